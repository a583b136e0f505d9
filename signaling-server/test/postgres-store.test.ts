import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresStore } from '../src/store/postgres-store.js';
import type { MeetingRecord } from '../src/store/store.js';
import { startPostgres, type RunningService } from './support/services.js';
import { fileStoreContract } from './file-store-contract.js';

let postgres: RunningService;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
});

const message = (id: string, from = 'person-0001') => ({ id, text: id, from: { id: from, name: 'Ada' }, sentAt: 1_700_000_000_000 });
const record = (overrides: Partial<MeetingRecord> = {}): MeetingRecord => ({
  code: 'standup',
  instance: 'instance-a',
  hostId: 'host-000001',
  createdAt: 1,
  locked: false,
  waitingRoom: true,
  passcode: { salt: 'c2FsdA==', hash: 'aGFzaA==' },
  keepChat: false,
  allowed: ['host-000001'],
  banned: [{ id: 'eve-0000001', name: 'Eve', at: 5 }],
  state: 'live',
  keepUntil: null,
  ...overrides,
});

describe('the PostgreSQL store (--database-url)', () => {
  it('migrates the schema once, even when several servers start together', async () => {
    const stores = await Promise.all([PostgresStore.open(postgres.url), PostgresStore.open(postgres.url), PostgresStore.open(postgres.url)]);
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT name FROM roundtable_migrations');
    await client.end();
    expect(rows.map((r) => r.name)).toEqual(['1733100000000_chat-and-meetings', '1733200000000_files', '1733300000000_meeting-records']);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('numbers a meeting’s messages 1, 2, 3 … when several servers append at once: no gap, no repeat, each id once', async () => {
    const nodes = await Promise.all([PostgresStore.open(postgres.url), PostgresStore.open(postgres.url), PostgresStore.open(postgres.url)]);
    const ids = Array.from({ length: 60 }, (_, i) => `concurrent-${String(i).padStart(4, '0')}`);
    // Every message sent to two nodes at once (a resend after a reconnect to another node).
    const results = await Promise.all(
      ids.flatMap((id, i) => [nodes[i % 3]!.appendChat('instance-c', message(id)), nodes[(i + 1) % 3]!.appendChat('instance-c', message(id))]),
    );
    expect(results.filter((r) => 'stored' in r && !r.duplicate)).toHaveLength(60);
    const page = await nodes[0]!.chatPage('instance-c', { limit: 100 });
    expect(page.messages.map((m) => m.seq)).toEqual(ids.map((_, i) => i + 1));
    expect(new Set(page.messages.map((m) => m.id)).size).toBe(60);
    expect(await nodes[1]!.appendChat('instance-c', message('concurrent-0000', 'someone-else'))).toEqual({ conflict: true });
    expect(await nodes[2]!.chatUsage('instance-c')).toEqual({ messages: 60, bytes: 60 * 'concurrent-0000'.length });
    await Promise.all(nodes.map((node) => node.close()));
  });

  it('keeps meeting records, drops a meeting with its chat, and purges kept ones when their time is up', async () => {
    const store = await PostgresStore.open(postgres.url);
    await store.saveMeeting(record());
    await store.saveMeeting(record({ instance: 'instance-k', code: 'kept', state: 'kept', keepUntil: 5_000, keepChat: true }));
    await store.saveMeeting(record({ locked: true }));
    await store.appendChat('instance-a', message('message-01'));
    await store.appendChat('instance-k', message('message-01'));
    expect((await store.loadMeetings()).find((r) => r.instance === 'instance-a')).toEqual(record({ locked: true }));
    await store.dropMeeting('instance-a');
    expect((await store.chatPage('instance-a', { limit: 10 })).messages).toEqual([]);
    expect(await store.purgeExpired(4_999)).toBe(0);
    expect(await store.purgeExpired(5_000)).toBe(1);
    expect((await store.loadMeetings()).map((r) => r.instance)).not.toContain('instance-k');
    expect((await store.chatPage('instance-k', { limit: 10 })).messages).toEqual([]);
    await store.close();
  });

  it('keeps files in the database (bytea chunks, any node reads them) and follows the file contract', async () => {
    const [one, two] = await Promise.all([PostgresStore.open(postgres.url), PostgresStore.open(postgres.url)]);
    await fileStoreContract(one!, 'pg-files');
    // Every node signs file tokens with the same key, so a token made on one is good on another.
    expect(await two!.files.tokenKey()).toEqual(await one!.files.tokenKey());
    await Promise.all([one!.close(), two!.close()]);
  });
});
