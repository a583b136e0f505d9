import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Sqlite from 'node-sqlite3-wasm';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { MeetingRecord } from '../src/store/store.js';

const message = (id: string, text = id) => ({ id, text, from: { id: 'person-0001', name: 'Ada' }, sentAt: 1_700_000_000_000 });
const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'rt-store-')), 'chat.db');

const record = (overrides: Partial<MeetingRecord> = {}): MeetingRecord => ({
  code: 'standup',
  instance: 'instance-a',
  hostId: 'host-000001',
  createdAt: 1,
  locked: false,
  waitingRoom: true,
  passcode: null,
  keepChat: false,
  allowed: ['host-000001'],
  banned: [],
  state: 'live',
  keepUntil: null,
  ...overrides,
});

describe('the SQLite store', () => {
  it("keeps each meeting instance's messages apart, in order, each once, across a restart", async () => {
    const file = tempDb();
    const first = await SqliteStore.open(file);
    await first.appendChat('instance-a', message('message-01'));
    await first.appendChat('instance-a', message('message-02'));
    await first.appendChat('instance-b', message('message-01', 'another meeting under the same code'));
    expect(await first.appendChat('instance-a', message('message-01'))).toMatchObject({ duplicate: true, stored: { seq: 1 } });
    expect(await first.appendChat('instance-a', { ...message('message-01'), from: { id: 'someone-else', name: 'Eve' } })).toEqual({ conflict: true });
    await first.close();

    const second = await SqliteStore.open(file);
    expect(await second.appendChat('instance-a', message('message-03'))).toMatchObject({ duplicate: false, stored: { seq: 3 } });
    expect((await second.chatPage('instance-a', { limit: 10 })).messages.map((m) => [m.seq, m.id])).toEqual([
      [1, 'message-01'],
      [2, 'message-02'],
      [3, 'message-03'],
    ]);
    expect((await second.chatPage('instance-b', { limit: 10 })).messages.map((m) => m.text)).toEqual(['another meeting under the same code']);
    expect(await second.chatUsage('instance-a')).toEqual({ messages: 3, bytes: 30 });
    await second.close();
  });

  it('keeps meeting records; dropping a meeting deletes its chat; kept ones go when their time is up', async () => {
    const file = tempDb();
    const store = await SqliteStore.open(file);
    await store.saveMeeting(record());
    await store.saveMeeting(record({ instance: 'instance-k', code: 'kept', state: 'kept', keepUntil: 5_000, keepChat: true }));
    await store.appendChat('instance-a', message('message-01'));
    await store.appendChat('instance-k', message('message-01'));
    await store.close();

    const again = await SqliteStore.open(file);
    expect((await again.loadMeetings()).map((r) => [r.instance, r.state]).sort()).toEqual([
      ['instance-a', 'live'],
      ['instance-k', 'kept'],
    ]);
    await again.dropMeeting('instance-a');
    expect((await again.chatPage('instance-a', { limit: 10 })).messages).toEqual([]);
    expect(await again.purgeExpired(4_999)).toBe(0);
    expect(await again.purgeExpired(5_000)).toBe(1);
    expect(await again.loadMeetings()).toEqual([]);
    expect((await again.chatPage('instance-k', { limit: 10 })).messages).toEqual([]);
    await again.close();
  });

  it('drops chat stored by code by an older version: nobody can tell whose meeting it was', async () => {
    const file = tempDb();
    const require = createRequire(import.meta.url);
    const { Database } = require('node-sqlite3-wasm') as typeof Sqlite;
    const old = new Database(file);
    old.exec(
      'CREATE TABLE chat_messages (room TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, sender_id TEXT NOT NULL, sender_name TEXT NOT NULL, text TEXT NOT NULL, sent_at INTEGER NOT NULL);',
    );
    old.run("INSERT INTO chat_messages VALUES ('standup', 'old-0001', 1, 'x', 'X', 'secret', 1)");
    old.close();
    const store = await SqliteStore.open(file);
    expect((await store.chatPage('standup', { limit: 10 })).messages).toEqual([]);
    await store.close();
    const check = new Database(file);
    expect(check.all("SELECT name FROM sqlite_master WHERE name = 'chat_messages'")).toEqual([]);
    check.close();
  });

  it('loses no acknowledged message when the process is killed mid-write, and opens again', async () => {
    const file = tempDb();
    // A separate Node process appends as fast as it can, printing each id once it is acknowledged, until it is killed.
    const writer = spawnStore(
      file,
      `let i = 0;
       process.stdout.write('ready\\n');
       setInterval(() => { for (let k = 0; k < 20; k++) { const id = 'kill-' + String(i++).padStart(6, '0');
         void store.appendChat('instance-a', { id, text: 'x', from: { id: 'writer-0001', name: 'W' }, sentAt: Date.now() }).then(() => process.stdout.write(id + '\\n')); } }, 1);`,
    );
    const acknowledged: string[] = [];
    // Killed mid-stream, once it has had many messages acknowledged (however slow the machine is).
    await new Promise<void>((resolve) => {
      writer.stdout!.on('data', (chunk: Buffer) => {
        const lines = chunk.toString().split('\n').filter(Boolean);
        acknowledged.push(...lines.filter((line) => line.startsWith('kill-')));
        if (acknowledged.length >= 200) resolve();
      });
    });
    writer.kill('SIGKILL');
    await new Promise((resolve) => writer.once('exit', resolve));
    expect(existsSync(`${file}.owner`)).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(200);

    const reopened = await SqliteStore.open(file);
    const usage = await reopened.chatUsage('instance-a');
    const stored = new Set<string>();
    for (let before: number | undefined; ;) {
      const page = await reopened.chatPage('instance-a', { limit: 100, ...(before ? { before } : {}) });
      page.messages.forEach((m) => stored.add(m.id));
      if (!page.hasMore) break;
      before = page.messages[0]!.seq;
    }
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    // Sequence numbers have no gaps and no repeats: whatever was being written was rolled back whole.
    expect(stored.size).toBe(usage.messages);
    expect(await reopened.appendChat('instance-a', message('after-kill'))).toMatchObject({ duplicate: false, stored: { seq: usage.messages + 1 } });
    await reopened.close();
  });

  it('refuses to open a database another live process owns', async () => {
    const file = tempDb();
    const holder = spawnStore(file, `process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`);
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    try {
      await expect(SqliteStore.open(file)).rejects.toThrow(/in use by process \d+/);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    // Once the holder is dead the file opens.
    await (await SqliteStore.open(file)).close();
  });
});

function spawnStore(file: string, body: string) {
  const module = JSON.stringify(fileURLToPath(new URL('../src/store/sqlite-store.ts', import.meta.url)));
  return spawn(
    process.execPath,
    ['--import', 'tsx', '-e', `import { SqliteStore } from ${module}; const store = await SqliteStore.open(${JSON.stringify(file)}); ${body}`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
}
