import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { ChatHistory, ChatMessage } from '../protocol/index.js';
import type { AppendResult, ChatUsage, MeetingRecord, NewChatMessage, ServerStore } from './store.js';

/** The schema's migrations (SQL, run by node-pg-migrate), shipped beside dist/ and src/. */
const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

interface ChatRow {
  id: string;
  seq: number;
  sender_id: string;
  sender_name: string;
  text: string;
  sent_at: string;
}

const toMessage = (row: ChatRow): ChatMessage => ({
  id: row.id,
  seq: row.seq,
  from: { id: row.sender_id, name: row.sender_name },
  text: row.text,
  sentAt: Number(row.sent_at),
});

/**
 * Chat and meeting records in PostgreSQL (`--database-url`), for servers that share them across
 * machines. The schema is migrated at start (node-pg-migrate, under an advisory lock, so nodes
 * starting together migrate once). Appends to one meeting's chat are serialised by a transaction
 * advisory lock on its instance, so messages written by different nodes at once still number
 * 1, 2, 3 … without gaps or repeats.
 */
export class PostgresStore implements ServerStore {
  private constructor(private readonly pool: pg.Pool) {}

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
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [instance]);
      const existing = await client.query<ChatRow>('SELECT id, seq, sender_id, sender_name, text, sent_at FROM chat WHERE instance = $1 AND id = $2', [
        instance,
        message.id,
      ]);
      const found = existing.rows[0];
      if (found) {
        await client.query('COMMIT');
        return found.sender_id === message.from.id ? { stored: toMessage(found), duplicate: true } : { conflict: true };
      }
      const inserted = await client.query<{ seq: number }>(
        `INSERT INTO chat (instance, id, seq, sender_id, sender_name, text, sent_at)
         SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6 FROM chat WHERE instance = $1
         RETURNING seq`,
        [instance, message.id, message.from.id, message.from.name, message.text, message.sentAt],
      );
      await client.query('COMMIT');
      return { stored: { ...message, from: { ...message.from }, seq: inserted.rows[0]!.seq }, duplicate: false };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async chatPage(instance: string, { before, limit }: { before?: number; limit: number }): Promise<ChatHistory> {
    const { rows } = await this.pool.query<ChatRow>(
      'SELECT id, seq, sender_id, sender_name, text, sent_at FROM chat WHERE instance = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
      [instance, before ?? 2 ** 31 - 1, limit + 1],
    );
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
      if (rows.length > 0) await client.query('DELETE FROM chat WHERE instance = ANY($1)', [rows.map((row) => row.instance)]);
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
