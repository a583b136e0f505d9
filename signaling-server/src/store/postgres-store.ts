import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { ChatFile, ChatHistory, ChatMessage } from '../protocol/index.js';
import type {
  AppendFileResult,
  AppendResult,
  ChatUsage,
  FileQuota,
  FileStore,
  FileUsage,
  MeetingLog,
  MeetingRecord,
  RecordStore,
  NewChatMessage,
  NewFileMessage,
  ServerStore,
  StoredFile,
} from './store.js';

/** The schema's migrations (SQL, run by node-pg-migrate), shipped beside dist/ and src/. */
const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

interface ChatRow {
  id: string;
  seq: number;
  sender_id: string;
  sender_name: string;
  text: string;
  sent_at: string;
  file: ChatFile | null;
}

const toMessage = (row: ChatRow): ChatMessage => ({
  id: row.id,
  seq: row.seq,
  from: { id: row.sender_id, name: row.sender_name },
  text: row.text,
  sentAt: Number(row.sent_at),
  ...(row.file ? { file: row.file } : {}),
});

const CHAT_COLUMNS = 'id, seq, sender_id, sender_name, text, sent_at, file';
/** A file's bytes are kept in chunks of this size (file_chunks). */
const CHUNK_BYTES = 256 * 1024;
/** Chunks without a file record this long after they were written are from an upload that never finished. */
const ORPHAN_CHUNKS_MS = 60 * 60_000;

/**
 * Chat and meeting records in PostgreSQL (`--database-url`), for servers that share them across
 * machines. The schema is migrated at start (node-pg-migrate, under an advisory lock, so nodes
 * starting together migrate once). Appends to one meeting's chat are serialised by a transaction
 * advisory lock on its instance, so messages written by different nodes at once still number
 * 1, 2, 3 … without gaps or repeats. Files shared in the chat are kept in the database too
 * (file_chunks: 256 KiB bytea chunks, written in one transaction), so whichever node an upload or a
 * download reaches has them.
 */
export class PostgresStore implements ServerStore {
  readonly files: FileStore;
  readonly records: RecordStore = {
    save: (log) =>
      this.transaction(async (client) => {
        await client.query(
          `INSERT INTO meeting_logs (id, started_at, keep_until, log) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET keep_until = EXCLUDED.keep_until, log = EXCLUDED.log`,
          [log.id, log.startedAt, log.keepUntil, JSON.stringify(log)],
        );
        await client.query('DELETE FROM meeting_log_hosts WHERE record = $1', [log.id]);
        for (const hostId of log.hostIds) await client.query('INSERT INTO meeting_log_hosts (record, host_id) VALUES ($1, $2)', [log.id, hostId]);
      }),
    get: async (id) => {
      const { rows } = await this.pool.query<{ log: MeetingLog }>('SELECT log FROM meeting_logs WHERE id = $1', [id]);
      return rows[0]?.log ?? null;
    },
    byHost: async (hostIds, limit) => {
      const { rows } = await this.pool.query<{ log: MeetingLog }>(
        `SELECT log FROM meeting_logs WHERE id IN (SELECT record FROM meeting_log_hosts WHERE host_id = ANY($1))
         ORDER BY started_at DESC LIMIT $2`,
        [hostIds, limit],
      );
      return rows.map((row) => row.log);
    },
    recent: async (limit) => {
      const { rows } = await this.pool.query<{ log: MeetingLog }>('SELECT log FROM meeting_logs ORDER BY started_at DESC LIMIT $1', [limit]);
      return rows.map((row) => row.log);
    },
    delete: async (id) => {
      await this.pool.query('DELETE FROM meeting_logs WHERE id = $1', [id]);
    },
    purgeExpired: async (now) => {
      const { rowCount } = await this.pool.query('DELETE FROM meeting_logs WHERE keep_until IS NOT NULL AND keep_until <= $1', [now]);
      return rowCount ?? 0;
    },
  };

  private constructor(private readonly pool: pg.Pool) {
    this.files = {
      write: (instance, fileId, body) => this.writeBytes(instance, fileId, body),
      read: (instance, fileId) => this.readBytes(instance, fileId),
      discard: async (instance, fileId) => {
        await this.pool.query('DELETE FROM file_chunks WHERE instance = $1 AND id = $2', [instance, fileId]);
      },
      append: (instance, message, quota) => this.appendFile(instance, message, quota),
      get: (instance, fileId) => this.fileRecord(instance, fileId),
      usage: (instance) => this.fileUsage(this.pool, instance),
      tokenKey: () => this.tokenKey(),
    };
  }

  static async open(databaseUrl: string, options: { maxConnections?: number } = {}): Promise<PostgresStore> {
    await runner({
      databaseUrl,
      dir: MIGRATIONS,
      direction: 'up',
      migrationsTable: 'roundtable_migrations',
      log: () => undefined,
      singleTransaction: true,
      // Nodes starting together: one migrates, the others wait for it, then find nothing to do.
      advisoryLockMode: 'wait',
    });
    const pool = new pg.Pool({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
    // An idle client whose connection breaks must not take the process down.
    pool.on('error', () => undefined);
    return new PostgresStore(pool);
  }

  async appendChat(instance: string, message: NewChatMessage): Promise<AppendResult> {
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [instance]);
      return this.appendIn(client, instance, message);
    });
  }

  /** Inside a transaction holding the instance's lock: the message once, numbered after the last. */
  private async appendIn(client: pg.PoolClient, instance: string, message: NewChatMessage): Promise<AppendResult> {
    const existing = await client.query<ChatRow>(`SELECT ${CHAT_COLUMNS} FROM chat WHERE instance = $1 AND id = $2`, [instance, message.id]);
    const found = existing.rows[0];
    if (found) return found.sender_id === message.from.id ? { stored: toMessage(found), duplicate: true } : { conflict: true };
    const inserted = await client.query<{ seq: number }>(
      `INSERT INTO chat (instance, id, seq, sender_id, sender_name, text, sent_at, file)
       SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6, $7 FROM chat WHERE instance = $1
       RETURNING seq`,
      [instance, message.id, message.from.id, message.from.name, message.text, message.sentAt, message.file ? JSON.stringify(message.file) : null],
    );
    return { stored: { ...message, from: { ...message.from }, seq: inserted.rows[0]!.seq }, duplicate: false };
  }

  private async appendFile(instance: string, message: NewFileMessage, quota: FileQuota): Promise<AppendFileResult> {
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [instance]);
      const known = await client.query('SELECT 1 FROM chat WHERE instance = $1 AND id = $2', [instance, message.id]);
      if (known.rowCount === 0) {
        const usage = await this.fileUsage(client, instance);
        if (usage.files + 1 > quota.files || usage.bytes + message.file.size > quota.bytes) return { overQuota: true as const };
      }
      const result = await this.appendIn(client, instance, message);
      if ('stored' in result && !result.duplicate) {
        await client.query('INSERT INTO files (instance, id, message_id, uploader_id, size, stored_at, file) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
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
    });
  }

  private async fileUsage(db: pg.Pool | pg.PoolClient, instance: string): Promise<FileUsage> {
    const { rows } = await db.query<{ files: string; bytes: string }>(
      'SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM files WHERE instance = $1',
      [instance],
    );
    return { files: Number(rows[0]?.files ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  private async fileRecord(instance: string, fileId: string): Promise<StoredFile | null> {
    const { rows } = await this.pool.query<{ message_id: string; uploader_id: string; stored_at: string; file: ChatFile }>(
      'SELECT message_id, uploader_id, stored_at, file FROM files WHERE instance = $1 AND id = $2',
      [instance, fileId],
    );
    const row = rows[0];
    return row ? { ...row.file, messageId: row.message_id, uploaderId: row.uploader_id, storedAt: Number(row.stored_at) } : null;
  }

  /** The bytes in chunks, in one transaction: committed (durable) when this resolves, or not there at all. */
  private async writeBytes(instance: string, fileId: string, body: AsyncIterable<Uint8Array>): Promise<void> {
    await this.transaction(async (client) => {
      let n = 0;
      let pending: Buffer[] = [];
      let size = 0;
      const flush = async (): Promise<void> => {
        const data = Buffer.concat(pending);
        pending = [];
        size = 0;
        await client.query('INSERT INTO file_chunks (instance, id, n, data, written_at) VALUES ($1, $2, $3, $4, $5)', [instance, fileId, n, data, Date.now()]);
        n += 1;
      };
      for await (const chunk of body) {
        let rest = Buffer.from(chunk);
        while (rest.length > 0) {
          const take = Math.min(rest.length, CHUNK_BYTES - size);
          pending.push(rest.subarray(0, take));
          size += take;
          rest = rest.subarray(take);
          if (size === CHUNK_BYTES) await flush();
        }
      }
      if (size > 0 || n === 0) await flush();
    });
  }

  private async readBytes(instance: string, fileId: string): Promise<AsyncIterable<Uint8Array> | null> {
    if (!(await this.fileRecord(instance, fileId))) return null;
    const pool = this.pool;
    return (async function* chunks() {
      for (let n = 0; ; n += 1) {
        const { rows } = await pool.query<{ data: Buffer }>('SELECT data FROM file_chunks WHERE instance = $1 AND id = $2 AND n = $3', [instance, fileId, n]);
        if (!rows[0]) return;
        yield rows[0].data;
      }
    })();
  }

  private async tokenKey(): Promise<Buffer> {
    await this.pool.query("INSERT INTO server_secrets (name, value) VALUES ('file-tokens', $1) ON CONFLICT (name) DO NOTHING", [randomBytes(32)]);
    const { rows } = await this.pool.query<{ value: Buffer }>("SELECT value FROM server_secrets WHERE name = 'file-tokens'");
    return rows[0]!.value;
  }

  async chatPage(instance: string, { before, limit }: { before?: number; limit: number }): Promise<ChatHistory> {
    const { rows } = await this.pool.query<ChatRow>(`SELECT ${CHAT_COLUMNS} FROM chat WHERE instance = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`, [
      instance,
      before ?? 2 ** 31 - 1,
      limit + 1,
    ]);
    return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore: rows.length > limit };
  }

  async chatUsage(instance: string): Promise<ChatUsage> {
    const { rows } = await this.pool.query<{ messages: string; bytes: string }>(
      'SELECT COUNT(*) AS messages, COALESCE(SUM(OCTET_LENGTH(text)), 0) AS bytes FROM chat WHERE instance = $1',
      [instance],
    );
    return { messages: Number(rows[0]?.messages ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  async saveMeeting(record: MeetingRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO meetings (instance, code, state, keep_until, record) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (instance) DO UPDATE SET code = EXCLUDED.code, state = EXCLUDED.state, keep_until = EXCLUDED.keep_until, record = EXCLUDED.record`,
      [record.instance, record.code, record.state, record.keepUntil, JSON.stringify(record)],
    );
  }

  async dropMeeting(instance: string): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('DELETE FROM chat WHERE instance = $1', [instance]);
      await client.query('DELETE FROM files WHERE instance = $1', [instance]);
      await client.query('DELETE FROM file_chunks WHERE instance = $1', [instance]);
      await client.query('DELETE FROM meetings WHERE instance = $1', [instance]);
    });
  }

  async loadMeetings(): Promise<MeetingRecord[]> {
    const { rows } = await this.pool.query<{ record: MeetingRecord }>('SELECT record FROM meetings');
    return rows.map((row) => row.record);
  }

  async purgeExpired(now: number): Promise<number> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ instance: string }>("DELETE FROM meetings WHERE state = 'kept' AND keep_until <= $1 RETURNING instance", [now]);
      const gone = rows.map((row) => row.instance);
      if (gone.length > 0) {
        for (const table of ['chat', 'files', 'file_chunks']) await client.query(`DELETE FROM ${table} WHERE instance = ANY($1)`, [gone]);
      }
      // Bytes of uploads that never became a file (cut short, refused, or for a meeting that ended meanwhile).
      await client.query(
        `DELETE FROM file_chunks c WHERE written_at <= $1
         AND NOT EXISTS (SELECT 1 FROM files f WHERE f.instance = c.instance AND f.id = c.id)`,
        [Date.now() - ORPHAN_CHUNKS_MS],
      );
      return rows.length;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
