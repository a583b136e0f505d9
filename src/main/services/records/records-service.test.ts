import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { participantIdFromSecret, SqliteStore } from '@roundtable/signaling-server';
import { isDesktopError } from '@shared/ipc/result';
import { createRecordsHandlers, hostingStoreRecords, RecordsService } from './records-service';

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const ADA = `ada-secret-${'s'.repeat(24)}`;
const BOB = `bob-secret-${'s'.repeat(24)}`;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A data folder whose hosting store holds one ended meeting Ada hosted (as the built-in server leaves it). */
async function dataDirWithMeeting(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rt-main-records-'));
  dirs.push(dir);
  const store = await SqliteStore.open(join(dir, 'chat.db'));
  const ada = participantIdFromSecret(ADA);
  await store.records.save({
    id: 'record-0001',
    instance: 'instance-1',
    code: 'calm-otter-42',
    startedAt: T0,
    endedAt: T0 + 60_000,
    hostIds: [ada],
    people: [
      {
        id: ada,
        name: 'Ada',
        stints: [{ joinedAt: T0, leftAt: T0 + 60_000 }],
        waits: [],
        speakingMs: 20_000,
        samples: { rttMs: [10], lossPct: [0], degradedShare: [0.25] },
        recordings: [],
        files: 2,
      },
    ],
    keepUntil: T0 + 30 * 86_400_000,
    savedAt: T0 + 60_000,
  });
  await store.close();
  return dir;
}

// Each read opens the SQLite store (a writer thread) and closes it: a second or two on a busy machine.
describe('past meetings read by main from the hosting store', { timeout: 30_000 }, () => {
  it('lists, opens and deletes what the secrets hosted, and nothing of anyone else', async () => {
    const dir = await dataDirWithMeeting();
    const service = new RecordsService({ open: hostingStoreRecords(dir), hosting: () => false });
    expect(await service.list([ADA])).toEqual([{ id: 'record-0001', code: 'calm-otter-42', startedAt: T0, endedAt: T0 + 60_000, people: 1 }]);
    const record = await service.open('record-0001', [ADA]);
    expect(record.people[0]).toMatchObject({ name: 'Ada', speakingMs: 20_000, filesShared: 2, quality: { degradedShare: 0.25 } });
    expect(await service.list([BOB])).toEqual([]);
    await expect(service.open('record-0001', [BOB])).rejects.toSatisfy((e) => isDesktopError(e, 'not-found'));
    await expect(service.remove('record-0001', [BOB])).rejects.toSatisfy((e) => isDesktopError(e, 'not-found'));
    await service.remove('record-0001', [ADA]);
    expect(await service.list([ADA])).toEqual([]);
  });

  it('while hosting, leaves the store to the running server and says so', async () => {
    const dir = await dataDirWithMeeting();
    let opened = 0;
    const open = hostingStoreRecords(dir);
    const service = new RecordsService({ open: () => ((opened += 1), open()), hosting: () => true });
    await expect(service.list([ADA])).rejects.toSatisfy((e) => isDesktopError(e, 'unavailable'));
    expect(opened).toBe(0);
  });

  it('has nothing to list where nothing was ever hosted, and creates no database there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-main-records-'));
    dirs.push(dir);
    const handlers = createRecordsHandlers(new RecordsService({ open: hostingStoreRecords(dir), hosting: () => false }));
    expect(await handlers['records:list']([ADA])).toEqual([]);
    await expect(handlers['records:open']('record-0001', [ADA])).rejects.toSatisfy((e) => isDesktopError(e, 'not-found'));
    expect(existsSync(join(dir, 'chat.db'))).toBe(false);
  });

  it('reads one at a time: the store is never open twice', async () => {
    const dir = await dataDirWithMeeting();
    const open = hostingStoreRecords(dir);
    let openNow = 0;
    let most = 0;
    const service = new RecordsService({
      open: async () => {
        openNow += 1;
        most = Math.max(most, openNow);
        const opened = (await open())!;
        return { records: opened.records, close: async () => void (await opened.close(), (openNow -= 1)) };
      },
      hosting: () => false,
    });
    const lists = await Promise.all([service.list([ADA]), service.list([ADA]), service.open('record-0001', [ADA])]);
    expect(lists[0]).toHaveLength(1);
    expect(most).toBe(1);
  });
});
