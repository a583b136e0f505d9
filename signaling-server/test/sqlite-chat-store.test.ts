import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqliteChatStore } from '../src/store/sqlite-chat-store.js';

const message = (id: string, text = id) => ({ id, text, from: { id: 'person-0001', name: 'Ada' }, sentAt: 1_700_000_000_000 });

describe('the SQLite chat store', () => {
  it('keeps messages across a restart, in order, each once', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rt-chat-')), 'chat.db');
    const first = new SqliteChatStore(file);
    first.append('room', message('message-01'));
    first.append('room', message('message-02'));
    expect(first.append('room', message('message-01'))).toMatchObject({ duplicate: true, stored: { seq: 1 } });
    expect(first.append('room', { ...message('message-01'), from: { id: 'someone-else', name: 'Eve' } })).toEqual({ conflict: true });
    first.close();

    const second = new SqliteChatStore(file);
    expect(second.append('room', message('message-03'))).toMatchObject({ duplicate: false, stored: { seq: 3 } });
    expect(second.page('room', { limit: 10 }).messages.map((m) => [m.seq, m.id])).toEqual([
      [1, 'message-01'],
      [2, 'message-02'],
      [3, 'message-03'],
    ]);
    second.close();
  });

  it('opens again after the process that held it was killed mid-write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-chat-'));
    const file = join(dir, 'chat.db');
    // A separate Node process appends as fast as it can until it is killed with SIGKILL.
    const writer = spawnStore(
      file,
      `let i = 0;
       process.stdout.write('ready\\n');
       setInterval(() => { for (let k = 0; k < 20; k++) store.append('room', { id: 'kill-' + String(i++).padStart(6, '0'), text: 'x', from: { id: 'writer-0001', name: 'W' }, sentAt: Date.now() }); }, 1);`,
    );
    await new Promise<void>((resolve) => writer.stdout!.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 700));
    writer.kill('SIGKILL');
    await new Promise((resolve) => writer.once('exit', resolve));
    expect(existsSync(`${file}.lock`) || existsSync(`${file}.owner`)).toBe(true);

    const reopened = new SqliteChatStore(file);
    const { messages } = reopened.page('room', { limit: 100 });
    expect(messages.length).toBeGreaterThan(0);
    // Sequence numbers have no gaps and no repeats: whatever the killed process was writing was rolled back whole.
    const all = reopened.page('room', { limit: 100, before: messages[0]!.seq + 1 });
    expect(all.messages.at(-1)!.seq).toBe(messages[0]!.seq);
    const next = reopened.append('room', message('after-kill'));
    expect(next).toMatchObject({ duplicate: false, stored: { seq: messages.at(-1)!.seq + 1 } });
    reopened.close();
  });

  it('refuses to open a database another live process owns', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rt-chat-')), 'chat.db');
    const holder = spawnStore(file, `process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`);
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    try {
      expect(() => new SqliteChatStore(file)).toThrow(/in use by process \d+/);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    // Once the holder is dead the file opens.
    new SqliteChatStore(file).close();
  });
});

function spawnStore(file: string, body: string) {
  const module = JSON.stringify(fileURLToPath(new URL('../src/store/sqlite-chat-store.ts', import.meta.url)));
  return spawn(
    process.execPath,
    ['--import', 'tsx', '-e', `import { SqliteChatStore } from ${module}; const store = new SqliteChatStore(${JSON.stringify(file)}); ${body}`],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}
