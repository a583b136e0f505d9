-- Up Migration
-- Meeting records: what happened in each meeting instance, for whoever hosted it. They outlive the
-- meeting (and its chat) until keep_until; meeting_log_hosts says who may read and delete one.
CREATE TABLE meeting_logs (
  id TEXT PRIMARY KEY,
  started_at BIGINT NOT NULL,
  keep_until BIGINT,
  log JSONB NOT NULL
);
CREATE TABLE meeting_log_hosts (
  record TEXT NOT NULL REFERENCES meeting_logs (id) ON DELETE CASCADE,
  host_id TEXT NOT NULL,
  PRIMARY KEY (record, host_id)
);
CREATE INDEX meeting_log_hosts_by_host ON meeting_log_hosts (host_id);

-- Down Migration
DROP TABLE meeting_log_hosts;
DROP TABLE meeting_logs;
