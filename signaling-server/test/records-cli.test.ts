import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { LogPerson, MeetingLog } from '../src/store/store.js';

const CLI = fileURLToPath(new URL('../src/records-cli.ts', import.meta.url));
const run = promisify(execFile);
const records = (args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ROUNDTABLE_DATABASE_URL: '' } });

const person = (id: string, name: string, joinedAt: number, leftAt: number | null): LogPerson => ({
  id,
  name,
  stints: [{ joinedAt, leftAt }],
  waits: [],
  speakingMs: 4_000,
  samples: { rttMs: [20, 40], lossPct: [0], degradedShare: [0.5] },
  recordings: [],
  files: 1,
});
const log = (id: string, code: string, startedAt: number): MeetingLog => ({
  id,
  instance: `instance-${id}`,
  code,
  startedAt,
  endedAt: startedAt + 60_000,
  hostIds: ['host-000001'],
  people: [person('host-000001', 'Hana', startedAt, startedAt + 60_000), person('guest-00002', 'Gus', startedAt + 1_000, startedAt + 30_000)],
  keepUntil: startedAt + 86_400_000,
  savedAt: startedAt + 60_000,
});

/** Whoever runs a server reads its meetings' records from its store (issue 22), with no meeting secret and no network. */
// Each step starts the command afresh (node + tsx): seconds apiece on a busy machine.
describe('npm run records', { timeout: 90_000 }, () => {
  it('lists every meeting, newest first, shows one as its host sees it, and deletes one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-records-cli-'));
    const store = await SqliteStore.open(join(dir, 'chat.db'));
    await store.records.save(log('record-older', 'calm-otter', 1_700_000_000_000));
    await store.records.save(log('record-newer', 'brave-heron', 1_700_000_100_000));
    await store.close();

    const listed = (await records(['--data-dir', dir, 'list'])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; code: string; people: number });
    expect(listed.map((r) => [r.id, r.code, r.people])).toEqual([
      ['record-newer', 'brave-heron', 2],
      ['record-older', 'calm-otter', 2],
    ]);
    expect((await records(['--data-dir', dir, 'list', '--limit', '1'])).stdout.trim().split('\n')).toHaveLength(1);

    const shown = JSON.parse((await records(['--data-dir', dir, 'show', 'record-older'])).stdout) as {
      code: string;
      people: Array<{ name: string; speakingMs: number }>;
    };
    expect(shown.code).toBe('calm-otter');
    expect(shown.people.map((p) => [p.name, p.speakingMs])).toEqual([
      ['Hana', 4_000],
      ['Gus', 4_000],
    ]);

    expect((await records(['--data-dir', dir, 'delete', 'record-older'])).stdout).toBe('deleted record-older\n');
    const after = (await records(['--data-dir', dir, 'list'])).stdout.trim().split('\n');
    expect(after.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(['record-newer']);
  });

  it('says what is wrong: an unknown record, a command without its id, a bad limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-records-cli-'));
    const empty = mkdtempSync(join(tmpdir(), 'rt-records-cli-'));
    const refused = async (args: string[]): Promise<string> => {
      const error = (await records(['--data-dir', dir, ...args]).then(
        () => null,
        (e: unknown) => e,
      )) as { code: number; stderr: string } | null;
      expect(error?.code, args.join(' ')).toBe(2);
      return error!.stderr;
    };
    const store = await SqliteStore.open(join(dir, 'chat.db'));
    await store.close();
    expect(await refused(['show', 'no-such-record'])).toBe('records: no meeting record "no-such-record"\n');
    expect(await refused(['delete'])).toContain('delete needs a record id');
    expect(await refused(['list', '--limit', 'lots'])).toContain('--limit must be a whole number');
    // A folder with no server data: said so, and no empty database is made there.
    expect(await refused(['--data-dir', empty, 'list'])).toContain('no server data in');
    expect(existsSync(join(empty, 'chat.db'))).toBe(false);
  });
});
