import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore, storedRecords, type StoredRecords } from '@roundtable/signaling-server';
import type { MeetingRecordSummary, MeetingRecordView } from '@roundtable/signaling-server/protocol';
import type { SectionHandlers } from '@shared/ipc/contract';
import type { RECORDS_CHANNELS } from '@shared/ipc/records';
import { DesktopError } from '@shared/ipc/result';

/** The hosting service's store, opened for one read; null when there is none yet (never hosted here). */
export type OpenRecords = () => Promise<{ records: StoredRecords; close(): Promise<void> } | null>;

/** The hosting service's own database (hosting-service.ts keeps chat and records in `chat.db` in userData). */
export function hostingStoreRecords(dataDir: string): OpenRecords {
  const file = join(dataDir, 'chat.db');
  return async () => {
    if (!existsSync(file)) return null;
    const store = await SqliteStore.open(file);
    return { records: storedRecords(store.records), close: () => store.close() };
  };
}

export interface RecordsServiceDeps {
  open: OpenRecords;
  /** Whether the hosting service's server runs now: it owns the store then, and answers for it itself. */
  hosting: () => boolean;
}

/**
 * The records of meetings this person hosted on the desktop's built-in server, read by main from
 * that server's store while it does not run (the list on the home screen after hosting stops).
 * One read at a time, each opening the store and closing it after; while hosting, `unavailable`
 * (the renderer asks the running server instead).
 */
export class RecordsService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RecordsServiceDeps) {}

  list(secrets: readonly string[]): Promise<MeetingRecordSummary[]> {
    return this.read(async (records) => (records ? records.list(secrets) : []));
  }

  open(id: string, secrets: readonly string[]): Promise<MeetingRecordView> {
    return this.read(async (records) => {
      const record = await records?.get(id, secrets);
      if (!record) throw new DesktopError('not-found', 'no such meeting record');
      return record;
    });
  }

  remove(id: string, secrets: readonly string[]): Promise<void> {
    return this.read(async (records) => {
      if (!(await records?.delete(id, secrets))) throw new DesktopError('not-found', 'no such meeting record');
    });
  }

  private read<T>(work: (records: StoredRecords | null) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.deps.hosting()) throw new DesktopError('unavailable', 'the running meeting server has the records while hosting');
      const opened = await this.deps.open();
      try {
        return await work(opened?.records ?? null);
      } finally {
        await opened?.close();
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** The records channels, Electron-free (the shell registers them; registerChannels validates their arguments first). */
export function createRecordsHandlers(service: RecordsService): SectionHandlers<typeof RECORDS_CHANNELS> {
  return {
    'records:list': (secrets) => service.list(secrets),
    'records:open': (id, secrets) => service.open(id, secrets),
    'records:remove': (id, secrets) => service.remove(id, secrets),
  };
}
