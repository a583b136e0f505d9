import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type * as Sqlite from 'node-sqlite3-wasm';
import type { ChatHistory, ChatMessage } from '../protocol/index.js';
import type { AppendResult, ChatStore, NewChatMessage } from './chat-store.js';

// node-sqlite3-wasm is CommonJS; SQLite compiled to WebAssembly, so Node and Electron load the
// same file with no native rebuild.
const require = createRequire(import.meta.url);
const { Database } = require('node-sqlite3-wasm') as typeof Sqlite;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS chat_messages (
  room TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  sender_id TEXT NOT NULL,
  sender_name TEXT NOT NULL,
  text TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (room, id),
  UNIQUE (room, seq)
);`;

interface Row {
  id: string;
  seq: number;
  sender_id: string;
  sender_name: string;
  text: string;
  sent_at: number;
}

const toMessage = (row: Row): ChatMessage => ({
  id: row.id,
  seq: row.seq,
  from: { id: row.sender_id, name: row.sender_name },
  text: row.text,
  sentAt: row.sent_at,
});

/**
 * Chat history in an SQLite file. Every append is its own transaction, synced to disk before it
 * returns. One server process owns the file: an owner file records its pid, so after a crash
 * (kill -9) the next start clears the stale lock the dead process left and SQLite rolls back any
 * half-written transaction from its journal.
 */
export class SqliteChatStore implements ChatStore {
  private readonly db: Sqlite.Database;
  private readonly ownerFile: string;

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.ownerFile = `${file}.owner`;
    claimOwnership(file, this.ownerFile);
    this.db = new Database(file);
    this.db.exec('PRAGMA synchronous = FULL;');
    this.db.exec(SCHEMA);
  }

  append(room: string, message: NewChatMessage): AppendResult {
    const existing = this.db.get('SELECT id, seq, sender_id, sender_name, text, sent_at FROM chat_messages WHERE room = ? AND id = ?', [
      room,
      message.id,
    ]) as Row | null;
    if (existing) return existing.sender_id === message.from.id ? { stored: toMessage(existing), duplicate: true } : { conflict: true };
    const next = this.db.get('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM chat_messages WHERE room = ?', [room]) as { seq: number };
    this.db.run('INSERT INTO chat_messages (room, id, seq, sender_id, sender_name, text, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      room,
      message.id,
      next.seq,
      message.from.id,
      message.from.name,
      message.text,
      message.sentAt,
    ]);
    return { stored: { ...message, from: { ...message.from }, seq: next.seq }, duplicate: false };
  }

  page(room: string, { before, limit }: { before?: number; limit: number }): ChatHistory {
    const bound = before ?? Number.MAX_SAFE_INTEGER;
    const rows = this.db.all('SELECT id, seq, sender_id, sender_name, text, sent_at FROM chat_messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?', [
      room,
      bound,
      limit + 1,
    ]) as unknown as Row[];
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
    rmSync(this.ownerFile, { force: true });
  }
}

function claimOwnership(file: string, ownerFile: string): void {
  let previous: number | null = null;
  try {
    previous = Number(readFileSync(ownerFile, 'utf8').trim()) || null;
  } catch {
    previous = null;
  }
  if (previous !== null && previous !== process.pid && isAlive(previous)) {
    throw new Error(`the chat database ${file} is in use by process ${previous}; one server per data folder`);
  }
  // Whoever held the lock is gone: their lock directory is stale.
  rmSync(`${file}.lock`, { recursive: true, force: true });
  writeFileSync(ownerFile, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
