import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Instance and file ids are made by the server; anything else never becomes a path. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PART = '.part';

export function checkedId(id: string, what: string): string {
  if (!SAFE_ID.test(id)) throw new Error(`not a ${what} id: ${JSON.stringify(id.slice(0, 80))}`);
  return id;
}

/**
 * File bytes in a folder (`<data dir>/files/<instance>/<file id>`), for a server that keeps its chat
 * in SQLite. A file is written to `<id>.part`, fsync'd, linked into place (which fails if a file of
 * that id exists: nothing is ever written over), and the folder fsync'd: once `write` resolves, a
 * crash (kill -9, power loss) cannot lose it.
 */
export class DiskFileBytes {
  constructor(readonly dir: string) {}

  private folder(instance: string): string {
    return join(this.dir, checkedId(instance, 'meeting instance'));
  }

  private path(instance: string, fileId: string): string {
    return join(this.folder(instance), checkedId(fileId, 'file'));
  }

  async write(instance: string, fileId: string, body: AsyncIterable<Uint8Array>): Promise<void> {
    const folder = this.folder(instance);
    const target = this.path(instance, fileId);
    await mkdir(folder, { recursive: true });
    // 'wx': a second upload of the same id fails here instead of writing over the first.
    const handle = await open(target + PART, 'wx', 0o600);
    let done = false;
    try {
      for await (const chunk of body) await handle.write(chunk);
      await handle.sync();
      await handle.close();
      done = true;
      await link(target + PART, target);
      await unlink(target + PART);
      await syncFolder(folder);
    } catch (error) {
      if (!done) await handle.close().catch(() => undefined);
      await rm(target + PART, { force: true });
      throw error;
    }
  }

  async read(instance: string, fileId: string): Promise<AsyncIterable<Uint8Array> | null> {
    const path = this.path(instance, fileId);
    try {
      if (!(await stat(path)).isFile()) return null;
    } catch {
      return null;
    }
    return createReadStream(path, { highWaterMark: 256 * 1024 });
  }

  async discard(instance: string, fileId: string): Promise<void> {
    const path = this.path(instance, fileId);
    await rm(path, { force: true });
    await rm(path + PART, { force: true });
  }

  async dropInstance(instance: string): Promise<void> {
    await rm(this.folder(instance), { recursive: true, force: true });
  }

  /**
   * After a crash: deletes the bytes the store does not know (uploads cut short, files of meetings
   * that ended while the server was down). `known`: the file ids of each meeting the store keeps.
   */
  async sweep(known: ReadonlyMap<string, ReadonlySet<string>>): Promise<number> {
    let removed = 0;
    let folders: string[];
    try {
      folders = await readdir(this.dir);
    } catch {
      return 0;
    }
    for (const instance of folders) {
      const ids = SAFE_ID.test(instance) ? known.get(instance) : undefined;
      const folder = join(this.dir, instance);
      if (!ids) {
        await rm(folder, { recursive: true, force: true });
        removed += 1;
        continue;
      }
      for (const name of await readdir(folder).catch(() => [] as string[])) {
        if (ids.has(name)) continue;
        await rm(join(folder, name), { recursive: true, force: true });
        removed += 1;
      }
    }
    return removed;
  }
}

/** Makes a rename in `folder` durable (POSIX); where folders cannot be opened (Windows) the rename is. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on Windows: NTFS journals the rename itself.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Collects an async iterable of chunks into one buffer (tests, and stores that keep bytes in memory). */
export async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
