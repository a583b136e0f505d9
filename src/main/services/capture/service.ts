import { stat } from 'node:fs/promises';
import { CaptureReplySchema, CaptureRequestSchema, type CaptureControl, type CaptureRequest } from '@shared/ipc/capture';
import type { DeviceSnapshot } from '@shared/ipc/devices';
import type { FfmpegLocation } from '../ffmpeg/locate';
import { validate } from '../../ipc/validate';
import { captureArgs } from './args';
import { CapturePipeline, type PipelineStats } from './pipeline';
import { errorMessage } from '@shared/errors';

/**
 * The main process's end of one capture's channel: an Electron MessagePortMain in the app, a
 * WebSocket in tests. Binary messages are frames; objects are control messages.
 */
export interface CapturePort {
  post(message: Uint8Array | CaptureControl): void;
  onMessage(listener: (data: unknown) => void): void;
  /** The other end went away (the page closed or reloaded). */
  onClose(listener: () => void): void;
  close(): void;
}

export interface CaptureServiceDeps {
  /** Finds FFmpeg (throws a FfmpegNotFoundError that says what to do). */
  locate: () => FfmpegLocation;
  /** The device catalogue's current lists: a device source must be one of them. */
  devices: () => DeviceSnapshot;
  env?: NodeJS.ProcessEnv;
  /** At most this many captures at once (each is an FFmpeg process). */
  maxCaptures?: number;
  stallMs?: number;
  startMs?: number;
}

export interface CaptureInfo {
  id: string;
  request: CaptureRequest;
  stats: PipelineStats;
}

/**
 * Runs the FFmpeg captures the renderer asks for. Each request is validated where it is received:
 * an unknown device, a URL of another protocol, a relative or missing path is refused with a
 * clear reason on the capture's port, and nothing starts.
 */
export class CaptureService {
  private readonly running = new Map<string, { pipeline: CapturePipeline; request: CaptureRequest; port: CapturePort }>();

  constructor(private readonly deps: CaptureServiceDeps) {}

  /** Starts the capture `raw` asks for, sending its frames on `port`; returns once it runs or was refused. */
  async open(id: string, raw: unknown, port: CapturePort): Promise<void> {
    let request: CaptureRequest;
    let location: FfmpegLocation;
    try {
      request = await this.check(raw);
      if (this.running.size >= (this.deps.maxCaptures ?? 4)) throw new Error(`At most ${this.deps.maxCaptures ?? 4} FFmpeg sources can run at once.`);
      location = this.deps.locate();
    } catch (error) {
      port.post({ type: 'ended', reason: errorMessage(error), error: true });
      port.close();
      return;
    }
    const pipeline = new CapturePipeline({
      ffmpegPath: location.path,
      args: captureArgs(request),
      media: request.media,
      ...(request.video ? { video: request.video } : {}),
      send: (frame) => port.post(frame),
      ...(this.deps.env ? { env: this.deps.env } : {}),
      ...(this.deps.stallMs !== undefined ? { stallMs: this.deps.stallMs } : {}),
      ...(this.deps.startMs !== undefined ? { startMs: this.deps.startMs } : {}),
    });
    this.running.set(id, { pipeline, request, port });
    pipeline.onStarted(() => port.post({ type: 'started', media: request.media }));
    pipeline.onEnded((reason, error) => {
      this.running.delete(id);
      port.post({ type: 'ended', reason, error });
      port.close();
    });
    port.onMessage((data) => {
      const reply = CaptureReplySchema.safeParse(data);
      if (!reply.success) return;
      if (reply.data.type === 'ack') pipeline.ack();
      else pipeline.stop();
    });
    port.onClose(() => pipeline.stop());
    pipeline.start();
  }

  /** What runs now, for diagnostics and benchmarks. */
  list(): CaptureInfo[] {
    return [...this.running].map(([id, { pipeline, request }]) => ({ id, request, stats: { ...pipeline.stats } }));
  }

  stop(id: string): void {
    this.running.get(id)?.pipeline.stop();
  }

  stopAll(): void {
    for (const { pipeline } of this.running.values()) pipeline.stop();
  }

  private async check(raw: unknown): Promise<CaptureRequest> {
    const request = validate(CaptureRequestSchema, raw, 'This source cannot be opened');
    const { source } = request;
    if (source.kind === 'device') {
      const role = request.media === 'video' ? 'camera' : 'microphone';
      const known = this.deps.devices().entries[role].some((e) => e.ffmpeg?.backend === source.backend && e.ffmpeg.id === source.id);
      if (!known) throw new Error(`FFmpeg does not list a ${role} "${source.id}" (${source.backend}).`);
    }
    if (source.kind === 'file') {
      const info = await stat(source.path).catch(() => null);
      if (!info?.isFile()) throw new Error(`There is no file at ${source.path}.`);
    }
    return request;
  }
}
