import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import {
  CAPTURE_AUDIO,
  DEFAULT_VIDEO_FORMAT,
  encodeFrameHeader,
  FRAME_HEADER_BYTES,
  framePayloadBytes,
  type CaptureMedia,
  type VideoFormat,
} from '@shared/ipc/capture';
import { outputLines, withoutLogPrefix } from '../ffmpeg/device';
import { errorMessage } from '@shared/errors';

export interface PipelineOptions {
  ffmpegPath: string;
  args: string[];
  media: CaptureMedia;
  video?: VideoFormat;
  /** Posts one whole frame (header + payload) to the renderer. */
  send: (frame: Uint8Array) => void;
  env?: NodeJS.ProcessEnv;
  /**
   * Frames that may be on their way to the renderer, not yet taken. Past that, a new frame
   * replaces the one waiting (which is dropped): nothing queues up, so latency stays low.
   */
  window?: number;
  /** Ends the capture when FFmpeg sends nothing for this long once it has started (ms). */
  stallMs?: number;
  /** …and before the first frame (ms): opening a network stream takes a while. */
  startMs?: number;
  /** Wall clock with sub-millisecond precision (ms since the epoch); frames carry it to measure latency. */
  now?: () => number;
}

export interface PipelineStats {
  /** Whole frames read from FFmpeg. */
  frames: number;
  /** Frames posted to the renderer. */
  sent: number;
  /** Frames replaced before the renderer could take them. */
  dropped: number;
  /** What FFmpeg itself dropped and duplicated to keep the frame rate (from -progress). */
  ffmpegDropped: number;
  ffmpegDuplicated: number;
}

export type EndListener = (reason: string, error: boolean) => void;

const wallClock = (): number => performance.timeOrigin + performance.now();

/**
 * One FFmpeg process decoding a source to raw frames on stdout, cut into frames and handed on with
 * credit-based back-pressure: at most `window` frames are in flight to the renderer; while it is
 * behind, only the newest frame waits and older ones are dropped, never queued. FFmpeg's output is
 * always read at once, so its pipe never fills and it never falls behind the source.
 */
export class CapturePipeline {
  readonly stats: PipelineStats = { frames: 0, sent: 0, dropped: 0, ffmpegDropped: 0, ffmpegDuplicated: 0 };
  private child: ChildProcessByStdio<null, Readable, Readable> | null = null;
  private readonly payloadBytes: number;
  private readonly format: VideoFormat;
  private readonly window: number;
  private readonly now: () => number;
  private current: Uint8Array | null = null;
  private filled = 0;
  private inFlight = 0;
  private pending: Uint8Array | null = null;
  private seq = 0;
  private lastDataAt = 0;
  private startedAt = 0;
  private started = false;
  private ended = false;
  private stopping = false;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private readonly stderrTail: string[] = [];
  private stderrRest = '';
  private readonly endListeners = new Set<EndListener>();
  private readonly startListeners = new Set<() => void>();

  constructor(private readonly options: PipelineOptions) {
    this.format = options.video ?? DEFAULT_VIDEO_FORMAT;
    this.payloadBytes =
      options.media === 'video'
        ? framePayloadBytes({ media: 'video', width: this.format.width, height: this.format.height, channels: 0 })
        : framePayloadBytes({ media: 'audio', width: CAPTURE_AUDIO.sampleRate, height: CAPTURE_AUDIO.chunkFrames, channels: CAPTURE_AUDIO.channels });
    // One video frame in flight: a second one would only wait behind the first (measured at 720p30
    // by bench:capture: p50 100 ms from FFmpeg to the track with two, 58 ms with one).
    this.window = options.window ?? (options.media === 'video' ? 1 : 6);
    this.now = options.now ?? wallClock;
  }

  /** Called once, when the first frame is out. */
  onStarted(listener: () => void): void {
    this.startListeners.add(listener);
  }

  /** Called once, when FFmpeg is gone: why, and whether it failed (rather than being stopped or the stream ending cleanly). */
  onEnded(listener: EndListener): void {
    this.endListeners.add(listener);
  }

  get running(): boolean {
    return this.child !== null && !this.ended;
  }

  start(): void {
    if (this.child || this.ended) return;
    this.startedAt = this.lastDataAt = Date.now();
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(this.options.ffmpegPath, this.options.args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
        env: this.options.env ?? process.env,
      });
    } catch (error) {
      this.finish(`FFmpeg could not be started: ${errorMessage(error)}`, true);
      return;
    }
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr.on('data', (chunk: Buffer) => this.onStderr(chunk));
    child.once('error', (error: NodeJS.ErrnoException) =>
      this.finish(`FFmpeg could not be started: ${error.code === 'ENOENT' ? `no such file ${this.options.ffmpegPath}` : error.message}`, true),
    );
    child.once('close', (code, signal) => this.onClose(code, signal));
    const stallMs = this.options.stallMs ?? 10_000;
    const startMs = this.options.startMs ?? 20_000;
    this.watchdog = setInterval(() => {
      const silent = Date.now() - this.lastDataAt;
      if (!this.started && silent > startMs) this.fail(`Nothing came from the source within ${Math.round(startMs / 1000)} s.`);
      else if (this.started && silent > stallMs) this.fail(`The source stopped sending (nothing for ${Math.round(stallMs / 1000)} s).`);
    }, 250);
  }

  /** The renderer took a frame: the next one may go. */
  ack(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.pending && this.inFlight < this.window) {
      const frame = this.pending;
      this.pending = null;
      this.post(frame);
    }
  }

  /** Stops FFmpeg; the end is reported as not an error. */
  stop(): void {
    if (this.ended) return;
    this.stopping = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    else this.finish('Stopped.', false);
  }

  private fail(reason: string): void {
    if (this.ended) return;
    this.failure = reason;
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private failure: string | null = null;

  private onData(chunk: Buffer): void {
    this.lastDataAt = Date.now();
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.current) {
        this.current = new Uint8Array(new ArrayBuffer(FRAME_HEADER_BYTES + this.payloadBytes));
        this.filled = 0;
      }
      const take = Math.min(this.payloadBytes - this.filled, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + take), FRAME_HEADER_BYTES + this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.payloadBytes) {
        const frame = this.current;
        this.current = null;
        this.complete(frame);
      }
    }
  }

  private complete(frame: Uint8Array): void {
    if (this.ended) return;
    const seq = this.seq++;
    this.stats.frames += 1;
    const video = this.options.media === 'video';
    encodeFrameHeader(new DataView(frame.buffer, frame.byteOffset, FRAME_HEADER_BYTES), {
      media: this.options.media,
      seq,
      width: video ? this.format.width : CAPTURE_AUDIO.sampleRate,
      height: video ? this.format.height : CAPTURE_AUDIO.chunkFrames,
      channels: video ? 0 : CAPTURE_AUDIO.channels,
      dropped: this.stats.dropped,
      emittedAt: this.now(),
      timestamp: video ? (seq * 1e6) / this.format.frameRate : (seq * CAPTURE_AUDIO.chunkFrames * 1e6) / CAPTURE_AUDIO.sampleRate,
    });
    if (!this.started) {
      this.started = true;
      for (const listener of this.startListeners) listener();
    }
    if (this.inFlight < this.window) this.post(frame);
    else {
      if (this.pending) this.stats.dropped += 1;
      this.pending = frame;
    }
  }

  private post(frame: Uint8Array): void {
    // The drop count as of now, not of when the frame was read.
    new DataView(frame.buffer, frame.byteOffset, FRAME_HEADER_BYTES).setUint32(20, this.stats.dropped, true);
    this.inFlight += 1;
    this.stats.sent += 1;
    try {
      this.options.send(frame);
    } catch (error) {
      this.fail(`The frame channel failed: ${errorMessage(error)}`);
    }
  }

  private onStderr(chunk: Buffer): void {
    const lines = outputLines(this.stderrRest + chunk.toString('utf8'));
    this.stderrRest = lines.pop() ?? '';
    for (const line of lines) {
      const progress = /^(drop_frames|dup_frames)=(\d+)$/.exec(line);
      if (progress) {
        if (progress[1] === 'drop_frames') this.stats.ffmpegDropped = Number(progress[2]);
        else this.stats.ffmpegDuplicated = Number(progress[2]);
        continue;
      }
      if (/^[a-z_0-9]+=/.test(line) || line.trim() === '') continue;
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    }
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stderrRest.trim() && !/^[a-z_0-9]+=/.test(this.stderrRest)) this.stderrTail.push(this.stderrRest);
    if (this.stopping) return this.finish('Stopped.', false);
    if (this.failure) return this.finish(this.failure, true);
    if (code === 0 && this.stats.frames > 0) return this.finish('The source ended.', false);
    this.finish(describeFailure(this.stderrTail, this.options.media, code, signal), true);
  }

  private finish(reason: string, error: boolean): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.watchdog);
    this.pending = null;
    for (const listener of this.endListeners) listener(reason, error);
    this.endListeners.clear();
  }
}

/** The sentence to show for a failed FFmpeg run, from the last lines it printed. */
export function describeFailure(lines: readonly string[], media: CaptureMedia, code: number | null = 1, signal: NodeJS.Signals | null = null): string {
  const text = lines.map((line) => withoutLogPrefix(line) ?? line).filter((line) => line.trim() !== '');
  if (text.some((line) => /Stream map '0:[av]:0' matches no streams/.test(line) || /does not contain any stream/.test(line))) {
    return media === 'audio' ? 'The source has no sound.' : 'The source has no picture.';
  }
  // FFmpeg's own error lines are the most telling: "<input>: Connection refused", "…: No such file or directory".
  const telling = [...text].reverse().find((line) => !/^(?:Conversion failed|Exiting normally|To ignore this)/i.test(line));
  if (telling) return telling.trim().replace(/\.$/, '') + '.';
  if (signal) return `FFmpeg was stopped (${signal}).`;
  return `FFmpeg stopped (exit code ${code ?? 'unknown'}).`;
}
