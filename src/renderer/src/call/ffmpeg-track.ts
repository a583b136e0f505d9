import { decodeFrameHeader, FRAME_HEADER_BYTES, framePayloadBytes, type CaptureMedia, type FrameHeader } from '@shared/ipc/capture';
import { Emitter } from './emitter';

/** Where an FFmpeg capture's frames come from: a MessagePort (from the desktop's main process, or a test's bridge). */
export interface FramePort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start(): void;
  close(): void;
}

/** A track fed by something outside Chromium's own capture (FFmpeg), and how to stop it. */
export interface CapturedTrack {
  readonly track: MediaStreamTrack;
  /** Settles when the first frame is in the track; rejects with the reason if the source ends first. */
  readonly ready: Promise<void>;
  /** Called once if the source ends by itself (unplugged, stream over, FFmpeg failed), with why. */
  onEnded(listener: (reason: string) => void): () => void;
  stop(): void;
}

export interface CaptureTrackStats {
  media: CaptureMedia;
  /** Frames that arrived from main. */
  received: number;
  /** Frames written into the track. */
  written: number;
  /** Frames dropped here because the previous write had not finished (the newest is kept). */
  dropped: number;
  /** Frames main dropped because this side had not taken the previous ones. */
  droppedUpstream: number;
  /** FFmpeg's output to the track, per frame (ms), the most recent ones. */
  latencyMs: number[];
  /** Of that, FFmpeg's output to the frame's arrival in this page (ms), the most recent ones. */
  arrivalMs: number[];
}

interface TrackGenerator extends MediaStreamTrack {
  readonly writable: WritableStream<VideoFrame | AudioData>;
}
type TrackGeneratorConstructor = new (init: { kind: 'audio' | 'video' }) => TrackGenerator;

const LATENCY_SAMPLES = 600;
const wallClock = (): number => performance.timeOrigin + performance.now();

/**
 * Why a capture ended or could not start, when this page says so rather than FFmpeg or main (whose
 * own words pass as they are): a code, not a sentence. The catalogues word it wherever a source's
 * reason is shown (addSource.cameraStopped / microphoneStopped, media.sourceFailed select on it);
 * camelCase because ICU select keys take no hyphen.
 */
export const CAPTURE_REASON = {
  /** FFmpeg finished without a word of its own (the stream or the file is over). */
  ended: 'sourceEnded',
  /** Stopped here before its first frame. */
  stopped: 'sourceStopped',
  /** This Chromium cannot make tracks from frames. */
  noGenerator: 'noTrackGenerator',
  /** An FFmpeg source asked for where there is no FFmpeg (a browser guest); local-media.ts. */
  needsDesktop: 'needsDesktopApp',
} as const;
export type CaptureReasonCode = (typeof CAPTURE_REASON)[keyof typeof CAPTURE_REASON];

/** Every FFmpeg track open in this page (for diagnostics and the capture benchmark). */
export const openFfmpegTracks = new Set<FfmpegTrack>();

/** True when this Chromium can make tracks from frames (MediaStreamTrackGenerator, VideoFrame, AudioData). */
export function canGenerateTracks(): boolean {
  const scope = globalThis as { MediaStreamTrackGenerator?: unknown; VideoFrame?: unknown; AudioData?: unknown };
  return typeof scope.MediaStreamTrackGenerator === 'function' && typeof scope.VideoFrame === 'function' && typeof scope.AudioData === 'function';
}

/**
 * The renderer's end of an FFmpeg capture: frames from the port become VideoFrames or AudioData
 * written into a MediaStreamTrackGenerator, so the call sends them like a camera or a microphone.
 *
 * Back-pressure: each frame is acknowledged once written, and main sends at most a couple ahead.
 * A frame that arrives while the previous one is still being written waits in a one-frame slot
 * (audio: a few chunks); a newer one replaces it, and the older one is dropped — never queued.
 */
export class FfmpegTrack implements CapturedTrack {
  readonly track: MediaStreamTrack;
  readonly ready: Promise<void>;
  private readonly writer: WritableStreamDefaultWriter<VideoFrame | AudioData>;
  private readonly events = new Emitter<{ ended: [reason: string] }>();
  private readonly waiting: Uint8Array[] = [];
  private readonly maxWaiting: number;
  private writing = false;
  private done = false;
  private firstFrame!: () => void;
  private failedFirst!: (error: Error) => void;
  private readonly counters = { received: 0, written: 0, dropped: 0, droppedUpstream: 0 };
  private readonly latency: number[] = [];
  private readonly arrival: number[] = [];

  constructor(
    private readonly port: FramePort,
    readonly media: CaptureMedia,
    private readonly now: () => number = wallClock,
  ) {
    const Generator = (globalThis as { MediaStreamTrackGenerator?: TrackGeneratorConstructor }).MediaStreamTrackGenerator;
    if (!Generator) throw new Error(CAPTURE_REASON.noGenerator);
    const generator = new Generator({ kind: media });
    this.track = generator;
    this.writer = generator.writable.getWriter();
    this.maxWaiting = media === 'video' ? 1 : 5;
    this.ready = new Promise<void>((resolve, reject) => {
      this.firstFrame = resolve;
      this.failedFirst = reject;
    });
    // Nobody may be waiting for `ready` when a capture fails later: keep that from being reported as unhandled.
    this.ready.catch(() => undefined);
    port.addEventListener('message', (event) => this.onMessage(event.data));
    port.start();
    openFfmpegTracks.add(this);
  }

  onEnded(listener: (reason: string) => void): () => void {
    return this.events.on('ended', listener);
  }

  stats(): CaptureTrackStats {
    return { media: this.media, ...this.counters, latencyMs: [...this.latency], arrivalMs: [...this.arrival] };
  }

  /** Stops the capture (FFmpeg too) and ends the track. */
  stop(): void {
    if (this.done) return;
    this.port.postMessage({ type: 'stop' });
    this.finish(null);
  }

  private onMessage(data: unknown): void {
    if (this.done) return;
    if (data instanceof ArrayBuffer) return this.onFrame(new Uint8Array(data));
    if (ArrayBuffer.isView(data)) return this.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (typeof data !== 'object' || data === null) return;
    const message = data as { type?: unknown; reason?: unknown };
    if (message.type === 'ended') this.finish(typeof message.reason === 'string' ? message.reason : CAPTURE_REASON.ended);
  }

  private onFrame(bytes: Uint8Array): void {
    this.counters.received += 1;
    if (bytes.byteLength >= 32) {
      this.arrival.push(this.now() - new DataView(bytes.buffer, bytes.byteOffset, 32).getFloat64(24, true));
      if (this.arrival.length > LATENCY_SAMPLES) this.arrival.shift();
    }
    if (this.writing) {
      if (this.waiting.length >= this.maxWaiting) {
        this.waiting.shift();
        this.counters.dropped += 1;
        this.ack();
      }
      this.waiting.push(bytes);
      return;
    }
    void this.write(bytes);
  }

  private async write(bytes: Uint8Array): Promise<void> {
    this.writing = true;
    try {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const header = decodeFrameHeader(view);
      if (header && bytes.byteLength >= FRAME_HEADER_BYTES + framePayloadBytes(header)) {
        this.counters.droppedUpstream = header.dropped;
        await this.writer.write(this.toMedia(bytes, header));
        this.counters.written += 1;
        this.latency.push(this.now() - header.emittedAt);
        if (this.latency.length > LATENCY_SAMPLES) this.latency.shift();
        if (this.counters.written === 1) this.firstFrame();
      }
    } catch {
      // The track was stopped under us; the port's end follows.
    } finally {
      this.writing = false;
      this.ack();
    }
    const next = this.waiting.shift();
    if (next && !this.done) void this.write(next);
  }

  private toMedia(bytes: Uint8Array, header: FrameHeader): VideoFrame | AudioData {
    const payload = bytes.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + framePayloadBytes(header));
    if (header.media === 'video') {
      // The frame's bytes are ours alone: hand the buffer over instead of copying it again.
      const init = { format: 'I420', codedWidth: header.width, codedHeight: header.height, timestamp: header.timestamp, transfer: [bytes.buffer] };
      return new VideoFrame(payload as Uint8Array<ArrayBuffer>, init as VideoFrameBufferInit);
    }
    const aligned = payload.byteOffset % 4 === 0 ? payload : payload.slice();
    return new AudioData({
      format: 'f32',
      sampleRate: header.width,
      numberOfFrames: header.height,
      numberOfChannels: header.channels,
      timestamp: header.timestamp,
      data: new Float32Array(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / 4),
    });
  }

  private ack(): void {
    if (!this.done) this.port.postMessage({ type: 'ack', seq: 0 });
  }

  private finish(reason: string | null): void {
    if (this.done) return;
    this.done = true;
    this.waiting.length = 0;
    openFfmpegTracks.delete(this);
    void this.writer.close().catch(() => undefined);
    this.track.stop();
    this.port.close();
    const why = reason ?? CAPTURE_REASON.stopped;
    this.failedFirst(new Error(why));
    if (reason !== null) this.events.emit('ended', reason);
  }
}
