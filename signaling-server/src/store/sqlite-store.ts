import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChatHistory } from '../protocol/index.js';
import type { WriterReady, WriterReply, WriterRequest } from './sqlite-protocol.js';
import { DiskFileBytes } from './file-store.js';
import type {
  AppendResult,
  ChatUsage,
  FileStore,
  FileUsage,
  MeetingLog,
  MeetingRecord,
  NewChatMessage,
  RecordStore,
  ServerStore,
  StoredFile,
} from './store.js';

type Request = WriterRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The writer thread's file, next to this one: `.js` when built, `.ts` when run from source. */
const WRITER = 'sqlite-writer';

/**
 * Chat and meeting records in an SQLite file, written by a worker thread (sqlite-writer.ts) so
 * that no statement and no wait for the disk ever holds up the server's event loop. Requests that
 * arrive together share one transaction. One server process owns the file: an owner file records
 * its pid, so after a crash (kill -9) the next start clears the stale lock the dead process left
 * and SQLite rolls back any half-written transaction from its journal. Files shared in the chat
 * are kept beside it, one folder per meeting instance (`files/<instance>/<file id>`, see
 * DiskFileBytes); their records are in the database.
 */
export class SqliteStore implements ServerStore {
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  readonly files: FileStore;
  readonly records: RecordStore = {
    save: (log) => this.call({ op: 'recordSave', log }),
    get: (id) => this.call<MeetingLog | null>({ op: 'recordGet', record: id }),
    byHost: (hostIds, limit) => this.call<MeetingLog[]>({ op: 'recordsByHost', hostIds, limit }),
    recent: (limit) => this.call<MeetingLog[]>({ op: 'recordsRecent', limit }),
    delete: (id) => this.call({ op: 'recordDelete', record: id }),
    purgeExpired: (now) => this.call<number>({ op: 'recordPurge', now }),
  };

  private constructor(
    private readonly worker: Worker,
    private readonly ownerFile: string,
    private readonly bytes: DiskFileBytes,
  ) {
    this.files = {
      write: (instance, fileId, body) => bytes.write(instance, fileId, body),
      read: async (instance, fileId) => ((await this.files.get(instance, fileId)) ? bytes.read(instance, fileId) : null),
      discard: (instance, fileId) => bytes.discard(instance, fileId),
      append: (instance, message, quota) => this.call({ op: 'appendFile', instance, message, quota }),
      get: (instance, fileId) => this.call<StoredFile | null>({ op: 'fileGet', instance, fileId }),
      usage: (instance) => this.call<FileUsage>({ op: 'fileUsage', instance }),
      tokenKey: async () => Buffer.from(await this.call<Uint8Array>({ op: 'tokenKey' })),
    };
    worker.on('message', (reply: WriterReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(reply.message));
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the chat store stopped')));
  }

  /**
   * Opens (or creates) the database in `file`. `writerUrl`: where the writer thread's module is, when
   * not beside this one (a bundled app). `filesDir`: where shared files go (default: `files` beside the database).
   */
  static async open(file: string, options: { writerUrl?: URL; filesDir?: string } = {}): Promise<SqliteStore> {
    mkdirSync(dirname(file), { recursive: true });
    const ownerFile = `${file}.owner`;
    claimOwnership(file, ownerFile);
    const worker = startWriter(file, options.writerUrl);
    const ready = await new Promise<WriterReady>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }).catch((error: unknown) => ({ ready: false as const, message: (error as Error).message }));
    if (!ready.ready) {
      await worker.terminate();
      rmSync(ownerFile, { force: true });
      throw new Error(`cannot open the chat database ${file}: ${ready.message}`);
    }
    const store = new SqliteStore(worker, ownerFile, new DiskFileBytes(options.filesDir ?? join(dirname(file), 'files')));
    await store.sweepFiles().catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    return store;
  }

  /** Bytes on disk the database does not know (an upload cut short by a crash, a meeting that ended) go. */
  private async sweepFiles(): Promise<void> {
    const index = await this.call<{ instances: string[]; files: Array<{ instance: string; id: string }> }>({ op: 'fileIndex' });
    const known = new Map<string, Set<string>>(index.instances.map((instance) => [instance, new Set<string>()]));
    for (const { instance, id } of index.files) known.get(instance)?.add(id);
    await this.bytes.sweep(known);
  }

  private call<T>(request: Request): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('the chat store is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  appendChat(instance: string, message: NewChatMessage): Promise<AppendResult> {
    return this.call({ op: 'appendChat', instance, message });
  }

  chatPage(instance: string, options: { before?: number; limit: number }): Promise<ChatHistory> {
    return this.call({ op: 'chatPage', instance, limit: options.limit, ...(options.before !== undefined ? { before: options.before } : {}) });
  }

  chatUsage(instance: string): Promise<ChatUsage> {
    return this.call({ op: 'chatUsage', instance });
  }

  saveMeeting(record: MeetingRecord): Promise<void> {
    return this.call({ op: 'saveMeeting', record });
  }

  async dropMeeting(instance: string): Promise<void> {
    await this.call({ op: 'dropMeeting', instance });
    await this.bytes.dropInstance(instance);
  }

  loadMeetings(): Promise<MeetingRecord[]> {
    return this.call({ op: 'loadMeetings' });
  }

  async purgeExpired(now: number): Promise<number> {
    const purged = await this.call<string[]>({ op: 'purgeExpired', now });
    for (const instance of purged) await this.bytes.dropInstance(instance);
    return purged.length;
  }

  /** Finishes what was asked, then closes the database and the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) {
        const id = this.nextId++;
        const done = new Promise<void>((resolve) => this.pending.set(id, { resolve: () => resolve(), reject: () => resolve() }));
        this.worker.postMessage({ op: 'close', id });
        await done;
      }
      await this.worker.terminate();
      rmSync(this.ownerFile, { force: true });
    })();
    return this.closing;
  }
}

function startWriter(file: string, writerUrl: URL | undefined): Worker {
  const workerData = { file };
  const name = WRITER;
  const built = writerUrl ?? new URL(`./${name}.js`, import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built, { workerData });
  // Run from source (tests, `tsx`): the thread compiles its TypeScript the same way.
  const source = new URL(`./${name}.ts`, import.meta.url);
  if (!existsSync(fileURLToPath(source))) throw new Error(`the chat store's writer is missing (${fileURLToPath(built)})`);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
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
