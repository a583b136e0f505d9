import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ipcMain, resetFakeElectron } from '../../../tests/fakes/electron';
import type { ipcMain as FakeIpcMain } from '../../../tests/fakes/electron';
import { participantIdFromSecret, SqliteStore } from '@roundtable/signaling-server';
import { RECORDS_CHANNELS } from '@shared/ipc/records';
import { createRecordsHandlers, hostingStoreRecords, RecordsService } from '../services/records/records-service';
import { registerChannels } from './ipc';

const fake = ipcMain as unknown as typeof FakeIpcMain;
const OURS = 'app://roundtable/index.html';
const SECRET = `host-secret-${'h'.repeat(24)}`;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
let dir = '';
let hosting = false;

beforeEach(async () => {
  resetFakeElectron();
  hosting = false;
  dir = mkdtempSync(join(tmpdir(), 'rt-records-ipc-'));
  const store = await SqliteStore.open(join(dir, 'chat.db'));
  const host = participantIdFromSecret(SECRET);
  await store.records.save({
    id: 'record-0001',
    instance: 'instance-1',
    code: 'calm-otter-42',
    startedAt: T0,
    endedAt: T0 + 60_000,
    hostIds: [host],
    people: [
      {
        id: host,
        name: 'Ada',
        stints: [{ joinedAt: T0, leftAt: T0 + 60_000 }],
        waits: [],
        speakingMs: 0,
        samples: { rttMs: [], lossPct: [], degradedShare: [] },
        recordings: [],
        files: 0,
      },
    ],
    keepUntil: T0 + 86_400_000,
    savedAt: T0 + 60_000,
  });
  await store.close();
  registerChannels({ records: RECORDS_CHANNELS }, createRecordsHandlers(new RecordsService({ open: hostingStoreRecords(dir), hosting: () => hosting })));
}, 30_000);
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Each call opens the SQLite store (a writer thread) and closes it: a second or two on a busy machine.
describe('the records channels', { timeout: 30_000 }, () => {
  it('answer our renderer from the hosting store once hosting stopped: the list, a record, a delete', async () => {
    expect(await fake.invokeAs(OURS, 'records:list', [[SECRET]])).toEqual({
      ok: true,
      value: [{ id: 'record-0001', code: 'calm-otter-42', startedAt: T0, endedAt: T0 + 60_000, people: 1 }],
    });
    const opened = (await fake.invokeAs(OURS, 'records:open', ['record-0001', [SECRET]])) as { ok: boolean; value: { people: Array<{ name: string }> } };
    expect(opened.ok).toBe(true);
    expect(opened.value.people.map((p) => p.name)).toEqual(['Ada']);
    expect(await fake.invokeAs(OURS, 'records:remove', ['record-0001', [SECRET]])).toEqual({ ok: true, value: undefined });
    expect(await fake.invokeAs(OURS, 'records:list', [[SECRET]])).toEqual({ ok: true, value: [] });
  });

  it('say not-found to another identity, unavailable while hosting, and refuse what is not a secret or an id', async () => {
    expect(await fake.invokeAs(OURS, 'records:open', ['record-0001', [`other-secret-${'o'.repeat(24)}`]])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await fake.invokeAs(OURS, 'records:list', [['short']])).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(await fake.invokeAs(OURS, 'records:open', ['../../etc', [SECRET]])).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(await fake.invokeAs('https://evil.example/', 'records:list', [[SECRET]])).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    hosting = true;
    expect(await fake.invokeAs(OURS, 'records:list', [[SECRET]])).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
