-- Up Migration
-- Files shared in a meeting's chat: the message that carries one, its record, and its bytes (in
-- 256 KiB chunks, so neither a write nor a read holds a whole file in one value). They belong to the
-- meeting instance, like its chat, and go with it.
ALTER TABLE chat ADD COLUMN file JSONB;
CREATE TABLE files (
  instance TEXT NOT NULL,
  id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  uploader_id TEXT NOT NULL,
  size BIGINT NOT NULL,
  stored_at BIGINT NOT NULL,
  file JSONB NOT NULL,
  PRIMARY KEY (instance, id)
);
CREATE TABLE file_chunks (
  instance TEXT NOT NULL,
  id TEXT NOT NULL,
  n INTEGER NOT NULL,
  data BYTEA NOT NULL,
  written_at BIGINT NOT NULL,
  PRIMARY KEY (instance, id, n)
);
-- Files are mostly compressed already (images, PDFs, archives): store the chunks as they are.
ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
-- Random keys the nodes share (file tokens are signed with one, so any node checks another's).
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value BYTEA NOT NULL
);

-- Down Migration
DROP TABLE server_secrets;
DROP TABLE file_chunks;
DROP TABLE files;
ALTER TABLE chat DROP COLUMN file;
