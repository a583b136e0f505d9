/**
 * The SQLite side of SqliteStore, on a worker thread of its own: every statement (and every wait
 * for the disk) happens here, never on the server's event loop. Requests that arrive together are
 * run in one transaction, and each is answered once that transaction is on disk.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type * as Sqlite from 'node-sqlite3-wasm';
import type { ChatFile, ChatMessage } from '../protocol/index.js';
import type {
  AppendFileResult,
  AppendResult,
  ChatUsage,
  FileQuota,
  FileUsage,
  MeetingLog,
  MeetingRecord,
  NewChatMessage,
  NewFileMessage,
  StoredFile,
} from './store.js';
import type { WriterReply, WriterRequest } from './sqlite-protocol.js';

// node-sqlite3-wasm is CommonJS; SQLite compiled to WebAssembly, so Node and Electron load the
// same file with no native rebuild.
const require = createRequire(import.meta.url);
const { Database } = require('node-sqlite3-wasm') as typeof Sqlite;

/** Version 2: chat belongs to a meeting instance. Version 1 kept it under the meeting code, where
 * anyone re-creating the code could read it: that chat cannot be given an owner, and is dropped.
 * Version 3: files in the chat (a message's file, the files' records; their bytes are on disk).
 * Version 4: meeting records (what happened in each meeting, for its host; new tables only). */
const SCHEMA_VERSION = 4;
const SCHEMA = `
CREATE TABLE IF NOT EXISTS chat (
  instance TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  sender_id TEXT NOT NULL,
  sender_name TEXT NOT NULL,
  text TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  file TEXT,
  PRIMARY KEY (instance, id),
  UNIQUE (instance, seq)
);
CREATE TABLE IF NOT EXISTS files (
  instance TEXT NOT NULL,
  id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  uploader_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  stored_at INTEGER NOT NULL,
  file TEXT NOT NULL,
  PRIMARY KEY (instance, id)
);
CREATE TABLE IF NOT EXISTS secrets (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meetings (
  instance TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  state TEXT NOT NULL,
  keep_until INTEGER,
  record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meeting_logs (
  id TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  keep_until INTEGER,
  log TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meeting_log_hosts (
  record TEXT NOT NULL,
  host_id TEXT NOT NULL,
  PRIMARY KEY (record, host_id)
);
CREATE INDEX IF NOT EXISTS meeting_log_hosts_by_host ON meeting_log_hosts (host_id);`;

interface ChatRow {
  id: string;
  seq: number;
  sender_id: string;
  sender_name: string;
  text: string;
  sent_at: number;
  file: string | null;
}

const toMessage = (row: ChatRow): ChatMessage => ({
  id: row.id,
  seq: row.seq,
  from: { id: row.sender_id, name: row.sender_name },
  text: row.text,
  sentAt: row.sent_at,
  ...(row.file ? { file: JSON.parse(row.file) as ChatFile } : {}),
});

const CHAT_COLUMNS = 'id, seq, sender_id, sender_name, text, sent_at, file';

function open(file: string): Sqlite.Database {
  const db = new Database(file);
  // An acknowledged change survives the process being killed; WAL is not available in this build.
  db.exec('PRAGMA synchronous = NORMAL;');
  const version = (db.get('PRAGMA user_version') as { user_version: number }).user_version;
  if (version < SCHEMA_VERSION) {
    db.exec('BEGIN;');
    if (version < 2) db.exec('DROP TABLE IF EXISTS chat_messages;');
    // A version 2 chat table has no file column; CREATE ... IF NOT EXISTS leaves it as it is.
    if (version === 2) db.exec('ALTER TABLE chat ADD COLUMN file TEXT;');
    db.exec(SCHEMA);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION};`);
    db.exec('COMMIT;');
  }
  return db;
}

function appendChat(db: Sqlite.Database, instance: string, message: NewChatMessage): AppendResult {
  const existing = db.get(`SELECT ${CHAT_COLUMNS} FROM chat WHERE instance = ? AND id = ?`, [instance, message.id]) as ChatRow | null;
  if (existing) return existing.sender_id === message.from.id ? { stored: toMessage(existing), duplicate: true } : { conflict: true };
  const next = db.get('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM chat WHERE instance = ?', [instance]) as { seq: number };
  db.run('INSERT INTO chat (instance, id, seq, sender_id, sender_name, text, sent_at, file) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    instance,
    message.id,
    next.seq,
    message.from.id,
    message.from.name,
    message.text,
    message.sentAt,
    message.file ? JSON.stringify(message.file) : null,
  ]);
  return { stored: { ...message, from: { ...message.from }, seq: next.seq }, duplicate: false };
}

function fileUsage(db: Sqlite.Database, instance: string): FileUsage {
  return db.get('SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM files WHERE instance = ?', [instance]) as unknown as FileUsage;
}

/** The message and the file's record together, within the meeting's quota. */
function appendFile(db: Sqlite.Database, instance: string, message: NewFileMessage, quota: FileQuota): AppendFileResult {
  const known = db.get('SELECT 1 AS found FROM chat WHERE instance = ? AND id = ?', [instance, message.id]);
  if (!known) {
    const usage = fileUsage(db, instance);
    if (usage.files + 1 > quota.files || usage.bytes + message.file.size > quota.bytes) return { overQuota: true };
  }
  const result = appendChat(db, instance, message);
  if ('stored' in result && !result.duplicate) {
    db.run('INSERT INTO files (instance, id, message_id, uploader_id, size, stored_at, file) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      instance,
      message.file.id,
      message.id,
      message.from.id,
      message.file.size,
      message.sentAt,
      JSON.stringify(message.file),
    ]);
  }
  return result;
}

function dropInstance(db: Sqlite.Database, instance: string): void {
  db.run('DELETE FROM chat WHERE instance = ?', [instance]);
  db.run('DELETE FROM files WHERE instance = ?', [instance]);
  db.run('DELETE FROM meetings WHERE instance = ?', [instance]);
}

function run(db: Sqlite.Database, request: WriterRequest): unknown {
  switch (request.op) {
    case 'appendChat':
      return appendChat(db, request.instance, request.message);
    case 'chatPage': {
      const bound = request.before ?? Number.MAX_SAFE_INTEGER;
      const rows = db.all(`SELECT ${CHAT_COLUMNS} FROM chat WHERE instance = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, [
        request.instance,
        bound,
        request.limit + 1,
      ]) as unknown as ChatRow[];
      return { messages: rows.slice(0, request.limit).reverse().map(toMessage), hasMore: rows.length > request.limit };
    }
    case 'chatUsage': {
      const row = db.get('SELECT COUNT(*) AS messages, COALESCE(SUM(LENGTH(CAST(text AS BLOB))), 0) AS bytes FROM chat WHERE instance = ?', [
        request.instance,
      ]) as unknown as ChatUsage;
      return { messages: row.messages, bytes: row.bytes };
    }
    case 'saveMeeting':
      db.run('INSERT OR REPLACE INTO meetings (instance, code, state, keep_until, record) VALUES (?, ?, ?, ?, ?)', [
        request.record.instance,
        request.record.code,
        request.record.state,
        request.record.keepUntil,
        JSON.stringify(request.record),
      ]);
      return null;
    case 'dropMeeting':
      dropInstance(db, request.instance);
      return null;
    case 'loadMeetings':
      return (db.all('SELECT record FROM meetings') as unknown as Array<{ record: string }>).map((row) => JSON.parse(row.record) as MeetingRecord);
    case 'purgeExpired': {
      const expired = db.all("SELECT instance FROM meetings WHERE state = 'kept' AND keep_until <= ?", [request.now]) as unknown as Array<{ instance: string }>;
      for (const { instance } of expired) dropInstance(db, instance);
      // The store deletes their files' bytes.
      return expired.map((row) => row.instance);
    }
    case 'appendFile':
      return appendFile(db, request.instance, request.message, request.quota);
    case 'fileGet': {
      const row = db.get('SELECT message_id, uploader_id, stored_at, file FROM files WHERE instance = ? AND id = ?', [request.instance, request.fileId]) as {
        message_id: string;
        uploader_id: string;
        stored_at: number;
        file: string;
      } | null;
      if (!row) return null;
      const file: StoredFile = { ...(JSON.parse(row.file) as ChatFile), messageId: row.message_id, uploaderId: row.uploader_id, storedAt: row.stored_at };
      return file;
    }
    case 'fileUsage':
      return fileUsage(db, request.instance);
    case 'fileIndex':
      return {
        instances: (db.all('SELECT instance FROM meetings') as unknown as Array<{ instance: string }>).map((row) => row.instance),
        files: db.all('SELECT instance, id FROM files') as unknown as Array<{ instance: string; id: string }>,
      };
    case 'tokenKey': {
      const row = db.get("SELECT value FROM secrets WHERE name = 'file-tokens'") as { value: Uint8Array } | null;
      if (row) return Buffer.from(row.value);
      const key = randomBytes(32);
      db.run("INSERT INTO secrets (name, value) VALUES ('file-tokens', ?)", [new Uint8Array(key)]);
      return key;
    }
    case 'recordSave': {
      const { log } = request;
      db.run('INSERT OR REPLACE INTO meeting_logs (id, started_at, keep_until, log) VALUES (?, ?, ?, ?)', [
        log.id,
        log.startedAt,
        log.keepUntil,
        JSON.stringify(log),
      ]);
      db.run('DELETE FROM meeting_log_hosts WHERE record = ?', [log.id]);
      for (const hostId of log.hostIds) db.run('INSERT INTO meeting_log_hosts (record, host_id) VALUES (?, ?)', [log.id, hostId]);
      return null;
    }
    case 'recordGet': {
      const row = db.get('SELECT log FROM meeting_logs WHERE id = ?', [request.record]) as { log: string } | null;
      return row ? (JSON.parse(row.log) as MeetingLog) : null;
    }
    case 'recordsByHost': {
      if (request.hostIds.length === 0) return [];
      const marks = request.hostIds.map(() => '?').join(', ');
      const rows = db.all(
        `SELECT log FROM meeting_logs WHERE id IN (SELECT record FROM meeting_log_hosts WHERE host_id IN (${marks})) ORDER BY started_at DESC LIMIT ?`,
        [...request.hostIds, request.limit],
      ) as unknown as Array<{ log: string }>;
      return rows.map((row) => JSON.parse(row.log) as MeetingLog);
    }
    case 'recordsRecent': {
      const rows = db.all('SELECT log FROM meeting_logs ORDER BY started_at DESC LIMIT ?', [request.limit]) as unknown as Array<{ log: string }>;
      return rows.map((row) => JSON.parse(row.log) as MeetingLog);
    }
    case 'recordDelete':
      db.run('DELETE FROM meeting_logs WHERE id = ?', [request.record]);
      db.run('DELETE FROM meeting_log_hosts WHERE record = ?', [request.record]);
      return null;
    case 'recordPurge': {
      const expired = db.all('SELECT id FROM meeting_logs WHERE keep_until IS NOT NULL AND keep_until <= ?', [request.now]) as unknown as Array<{
        id: string;
      }>;
      for (const { id } of expired) {
        db.run('DELETE FROM meeting_logs WHERE id = ?', [id]);
        db.run('DELETE FROM meeting_log_hosts WHERE record = ?', [id]);
      }
      return expired.length;
    }
    case 'close':
      return null;
  }
}

/** Runs everything that is waiting in one transaction; each request's own failure is its own. */
function flush(db: Sqlite.Database, batch: WriterRequest[]): WriterReply[] {
  const replies: WriterReply[] = [];
  try {
    db.exec('BEGIN IMMEDIATE;');
    for (const request of batch) {
      db.exec('SAVEPOINT request;');
      try {
        replies.push({ id: request.id, ok: true, value: run(db, request) });
        db.exec('RELEASE request;');
      } catch (error) {
        db.exec('ROLLBACK TO request; RELEASE request;');
        replies.push({ id: request.id, ok: false, message: (error as Error).message });
      }
    }
    db.exec('COMMIT;');
    return replies;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK;');
    return batch.map((request) => ({ id: request.id, ok: false, message: `the store could not commit: ${(error as Error).message}` }));
  }
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('sqlite-writer runs as a worker thread');
  const { file } = workerData as { file: string };
  let db: Sqlite.Database;
  try {
    db = open(file);
  } catch (error) {
    port.postMessage({ ready: false, message: (error as Error).message });
    return;
  }
  port.postMessage({ ready: true });
  let queue: WriterRequest[] = [];
  let scheduled = false;
  port.on('message', (request: WriterRequest) => {
    queue.push(request);
    if (scheduled) return;
    scheduled = true;
    // Whatever arrives before this runs joins the same transaction.
    setImmediate(() => {
      scheduled = false;
      const batch = queue;
      queue = [];
      const replies = flush(db, batch);
      for (const reply of replies) port.postMessage(reply);
      if (batch.some((request) => request.op === 'close')) {
        db.close();
        port.close();
      }
    });
  });
}

main();
