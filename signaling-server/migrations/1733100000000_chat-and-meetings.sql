-- Up Migration
-- Chat belongs to a meeting instance (a random id made when the meeting starts), never to a code.
CREATE TABLE chat (
  instance TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  sender_id TEXT NOT NULL,
  sender_name TEXT NOT NULL,
  text TEXT NOT NULL,
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (instance, id),
  UNIQUE (instance, seq)
);
-- A meeting's rules and who may come back (live), or its kept chat's owner and time (kept).
CREATE TABLE meetings (
  instance TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('live', 'kept')),
  keep_until BIGINT,
  record JSONB NOT NULL
);
CREATE INDEX meetings_kept ON meetings (keep_until) WHERE state = 'kept';

-- Down Migration
DROP TABLE meetings;
DROP TABLE chat;
