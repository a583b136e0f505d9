import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RecordingJob, RecordingStart } from '@shared/ipc/recording';
import { DesktopError } from '@shared/ipc/result';
import type { FfmpegLocation } from '../ffmpeg/locate';
import { JsonFile } from '../settings/json-file';
import { finalizeRecording } from './finalize';
import { chooseOutput, listEncoders } from './output';
import { errorMessage } from '@shared/errors';

/** What is kept next to a recording's chunks, so that a crash leaves enough to finish it on the next start. */
const MetaSchema = z.strictObject({
  version: z.literal(1),
  id: z.string(),
  title: z.string(),
  mimeType: z.string(),
  startedAt: z.number(),
  elapsedMs: z.number(),
  state: z.enum(['recording', 'finalizing', 'failed']),
  error: z.string().nullable(),
});
type Meta = z.infer<typeof MetaSchema>;

export interface RecordingServiceDeps {
  /** Where chunks are kept while recording (`<dataDir>/recordings/<id>/`). */
  dataDir: string;
  /** Where finished recordings go: the user's Videos folder. */
  outputDir: () => string;
  locate: () => FfmpegLocation;
  env?: NodeJS.ProcessEnv;
  /** FFmpeg's encoders (tests pass a build without H.264 to see the WebM fallback). */
  encoders?: () => Promise<Set<string>>;
  now?: () => number;
}

interface Active {
  meta: Meta;
  file: JsonFile<Meta>;
  handle: FileHandle;
  /** Writes in order, one at a time. */
  writing: Promise<void>;
  savedMetaAt: number;
  syncedAt: number;
}

const MEDIA = 'media.webm';
const META = 'meta.json';

/**
 * Recordings on the main process's side: chunks appended to a file on disk as they arrive (a
 * killed app loses at most the chunk in flight; synced every few seconds against power cuts), then FFmpeg makes an MP4 (H.264/AAC) or,
 * without those encoders, a WebM, in the Videos folder. Whatever a crash left is finished by
 * `recover()` on the next start.
 */
export class RecordingService {
  private readonly active = new Map<string, Active>();
  private readonly known = new Map<string, RecordingJob>();
  private readonly listeners = new Set<(job: RecordingJob) => void>();
  private encoders: Promise<Set<string>> | undefined;
  private finalizing: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RecordingServiceDeps) {}

  private get root(): string {
    return join(this.deps.dataDir, 'recordings');
  }

  /** Called with every change of a recording's phase or progress. */
  onJob(listener: (job: RecordingJob) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  jobs(): RecordingJob[] {
    return [...this.known.values()];
  }

  job(id: string): RecordingJob | undefined {
    return this.known.get(id);
  }

  async start(options: RecordingStart): Promise<{ id: string }> {
    const now = (this.deps.now ?? Date.now)();
    const id = `${now.toString(36)}-${randomBytes(4).toString('hex')}`;
    const dir = join(this.root, id);
    await mkdir(dir, { recursive: true });
    const meta: Meta = { version: 1, id, title: options.title, mimeType: options.mimeType, startedAt: now, elapsedMs: 0, state: 'recording', error: null };
    const file = new JsonFile(join(dir, META), MetaSchema);
    await file.write(meta);
    const handle = await open(join(dir, MEDIA), 'a');
    this.active.set(id, { meta, file, handle, writing: Promise.resolve(), savedMetaAt: now, syncedAt: now });
    this.publish({ id, title: options.title, phase: 'recording', percent: null, path: null, format: null, error: null, startedAt: now });
    return { id };
  }

  /** Appends the next chunk and syncs it to disk; resolves when it is there. */
  append(id: string, chunk: Uint8Array, elapsedMs: number): Promise<void> {
    const active = this.active.get(id);
    if (!active) return Promise.reject(new DesktopError('not-found', `there is no recording ${id} in progress`));
    const next = active.writing.then(async () => {
      // Once written, a killed app cannot lose it (the OS has it); a sync every few seconds covers a power cut.
      await active.handle.write(chunk);
      active.meta = { ...active.meta, elapsedMs };
      const now = (this.deps.now ?? Date.now)();
      if (now - active.syncedAt > 2_000) {
        active.syncedAt = now;
        await active.handle.datasync();
      }
      if (now - active.savedMetaAt > 2_000) {
        active.savedMetaAt = now;
        await active.file.write(active.meta);
      }
    });
    active.writing = next.catch(() => undefined);
    return next;
  }

  /** The last chunk is in: makes the file. Resolves with the job once it is saved or has failed. */
  async stop(id: string, elapsedMs: number): Promise<RecordingJob> {
    const active = this.active.get(id);
    if (!active) throw new DesktopError('not-found', `there is no recording ${id} in progress`);
    this.active.delete(id);
    await active.writing;
    await active.handle.close();
    // Where the person clicked stop (chunks that came after it carry later times: the recorder catching up).
    const meta: Meta = { ...active.meta, elapsedMs, state: 'finalizing' };
    await active.file.write(meta);
    return this.finish(meta, 'finalizing');
  }

  /** Finishes every recording a crash or a kill left behind (one at a time); resolves with their jobs. */
  async recover(): Promise<RecordingJob[]> {
    const entries = await readdir(this.root).catch(() => [] as string[]);
    const jobs: RecordingJob[] = [];
    for (const name of entries.sort()) {
      if (this.active.has(name) || this.known.has(name)) continue;
      const file = new JsonFile(join(this.root, name, META), MetaSchema);
      const meta = await file.read();
      if (!meta || meta.state === 'failed') continue;
      const media = await stat(join(this.root, name, MEDIA)).catch(() => null);
      if (!media || media.size === 0) {
        await rm(join(this.root, name), { recursive: true, force: true });
        continue;
      }
      // The last known length may be a little old: the file's own age says how long it ran at least.
      const elapsedMs = Math.max(meta.elapsedMs, media.mtimeMs - meta.startedAt);
      jobs.push(await this.finish({ ...meta, elapsedMs, state: 'finalizing' }, 'recovering'));
    }
    return jobs;
  }

  private finish(meta: Meta, phase: 'finalizing' | 'recovering'): Promise<RecordingJob> {
    const run = this.finalizing.then(() => this.finishNow(meta, phase));
    this.finalizing = run.catch(() => undefined);
    return run;
  }

  private async finishNow(meta: Meta, phase: 'finalizing' | 'recovering'): Promise<RecordingJob> {
    const dir = join(this.root, meta.id);
    const base: RecordingJob = { id: meta.id, title: meta.title, phase, percent: 0, path: null, format: null, error: null, startedAt: meta.startedAt };
    this.publish(base);
    try {
      const location = this.deps.locate();
      this.encoders ??= (this.deps.encoders ?? (() => listEncoders(location.path, this.deps.env)))();
      const format = chooseOutput(await this.encoders);
      const outputDir = this.deps.outputDir();
      await mkdir(outputDir, { recursive: true });
      const output = uniquePath(outputDir, fileName(meta, phase === 'recovering'), format.extension);
      let last = -1;
      await finalizeRecording({
        ffmpegPath: location.path,
        input: join(dir, MEDIA),
        output,
        format,
        expectedMs: meta.elapsedMs,
        // Stopped by the person: the file ends at their click (the page lets the encoder catch up past it).
        ...(phase === 'finalizing' ? { endAtMs: meta.elapsedMs } : {}),
        ...(this.deps.env ? { env: this.deps.env } : {}),
        onProgress: (percent) => {
          if (percent === last) return;
          last = percent;
          this.publish({ ...base, percent });
        },
      });
      await rm(dir, { recursive: true, force: true });
      return this.publish({ ...base, phase: 'saved', percent: 100, path: output, format: format.format });
    } catch (error) {
      const message = errorMessage(error);
      // The chunks stay: nothing is lost, and the next start does not try again and again.
      await new JsonFile(join(dir, META), MetaSchema).write({ ...meta, state: 'failed', error: message }).catch(() => undefined);
      return this.publish({ ...base, phase: 'failed', percent: null, error: message });
    }
  }

  private publish(job: RecordingJob): RecordingJob {
    this.known.set(job.id, job);
    for (const listener of this.listeners) listener(job);
    return job;
  }
}

// eslint-disable-next-line no-control-regex
const UNSAFE_IN_NAMES = /[<>:"/\\|?*\u0000-\u001f]/g;

/** "Roundtable calm-otter-42 2026-11-22 15.04", without characters file systems refuse. */
function fileName(meta: Meta, recovered: boolean): string {
  const date = new Date(meta.startedAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}.${pad(date.getMinutes())}`;
  const title = meta.title.replace(UNSAFE_IN_NAMES, '-').trim().slice(0, 80);
  return `Roundtable${title ? ` ${title}` : ''} ${stamp}${recovered ? ' (recovered)' : ''}`;
}

function uniquePath(dir: string, name: string, extension: string): string {
  for (let n = 1; ; n += 1) {
    const path = join(dir, `${name}${n === 1 ? '' : ` (${n})`}.${extension}`);
    if (!existsSync(path)) return path;
  }
}
