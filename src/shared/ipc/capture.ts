import { z } from 'zod';
import { invoke, type SectionApi, type SectionBridge } from './contract';
import { FFMPEG_BACKENDS } from './ffmpeg';
import type { IpcResult } from './result';

/**
 * Capture through FFmpeg: any device FFmpeg lists, a stream (rtsp://, http(s)://), a file or a
 * built-in test pattern becomes a camera or a microphone. The main process runs FFmpeg and streams
 * raw frames to the renderer over a MessagePort; the renderer turns them into MediaStreamTracks.
 */

export const CAPTURE_MEDIA = ['video', 'audio'] as const;
export type CaptureMedia = (typeof CAPTURE_MEDIA)[number];

// Control characters (and line breaks) never belong in a device id, a URL or a path.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const noControl = (value: string): boolean => !CONTROL.test(value);

/** The stream protocols a source URL may use; everything else (file:, concat:, pipe:, data: …) is refused. */
export const SOURCE_URL_PROTOCOLS = ['rtsp:', 'rtsps:', 'http:', 'https:'] as const;

/** scheme://[user[:password]@]host[:port][/path?query#fragment], host a name, an IPv4 or a [bracketed IPv6] address. */
const SOURCE_URL = /^(?:rtsps?|https?):\/\/(?:[^\s/?#@]*@)?(?:\[[0-9a-fA-F:.]+\]|[^\s/?#@:[\]]+)(?::\d{1,5})?(?:[/?#]\S*)?$/i;

export const SourceUrlSchema = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => noControl(value) && !/\s/.test(value), 'a URL has no spaces or control characters')
  .refine((value) => SOURCE_URL.test(value), 'only rtsp://, rtsps://, http:// and https:// addresses can be added');

/** An absolute path: `/…` on Linux and macOS, `C:\…` or `\\server\share\…` on Windows. */
export const SourcePathSchema = z
  .string()
  .min(2)
  .max(4096)
  .refine(noControl, 'a path has no control characters')
  .refine((value) => /^(?:\/|[A-Za-z]:[\\/]|\\\\[^\\])/.test(value), 'the path must be absolute (start with / or a drive letter)');

export const CaptureSourceSchema = z.discriminatedUnion('kind', [
  /** A device FFmpeg listed (the catalogue must know it). */
  z.strictObject({ kind: z.literal('device'), backend: z.enum(FFMPEG_BACKENDS), id: z.string().min(1).max(512).refine(noControl) }),
  /** An IP camera or a stream. */
  z.strictObject({ kind: z.literal('url'), url: SourceUrlSchema }),
  /** A video or sound file on this computer, played in a loop. */
  z.strictObject({ kind: z.literal('file'), path: SourcePathSchema }),
  /** FFmpeg's test pattern (testsrc2) and a sine tone of this frequency. */
  z.strictObject({ kind: z.literal('test'), tone: z.number().int().min(20).max(20_000) }),
]);
export type CaptureSource = z.infer<typeof CaptureSourceSchema>;

export const VideoFormatSchema = z.strictObject({
  width: z
    .number()
    .int()
    .min(16)
    .max(3840)
    .refine((n) => n % 2 === 0, 'even'),
  height: z
    .number()
    .int()
    .min(16)
    .max(2160)
    .refine((n) => n % 2 === 0, 'even'),
  frameRate: z.number().int().min(1).max(60),
});
export type VideoFormat = z.infer<typeof VideoFormatSchema>;

/** What a call asks for when it opens a source: one medium of it, and the picture size for video. */
export const CaptureRequestSchema = z.strictObject({
  source: CaptureSourceSchema,
  media: z.enum(CAPTURE_MEDIA),
  video: VideoFormatSchema.optional(),
});
export type CaptureRequest = z.infer<typeof CaptureRequestSchema>;

export const DEFAULT_VIDEO_FORMAT: VideoFormat = { width: 1280, height: 720, frameRate: 30 };
/** Audio reaches the renderer as 48 kHz mono float PCM in 10 ms chunks. */
export const CAPTURE_AUDIO = { sampleRate: 48_000, channels: 1, chunkFrames: 480 } as const;

/** True when two sources are the same thing to open. */
export function sameSource(a: CaptureSource | undefined, b: CaptureSource | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** A source the user added with "Add a source…", kept by the main process and listed with the devices. */
export const AddedSourceSchema = z.strictObject({
  id: z.string(),
  label: z.string(),
  source: CaptureSourceSchema,
  /** What FFmpeg found in it when it was added. */
  media: z.strictObject({ video: z.boolean(), audio: z.boolean() }),
});
export type AddedSource = z.infer<typeof AddedSourceSchema>;

/** "Add a source…": a URL or a path as typed (or picked), or the built-in test pattern and tone. */
export const AddSourceRequestSchema = z.union([
  z.strictObject({ input: z.string().min(1).max(4096) }),
  z.strictObject({ test: z.literal(true), tone: z.number().int().min(20).max(20_000).optional() }),
]);
export type AddSourceRequest = z.infer<typeof AddSourceRequestSchema>;
export const SourceIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/);

/* ---- The frame channel (a MessagePort per capture) ---- */

/** ipcRenderer.postMessage channel that carries `{ id, request }` and the main end of a new MessagePort. */
export const CAPTURE_OPEN_CHANNEL = 'capture:open';
/** window.postMessage type with which the preload hands the renderer's end of that port to the page. */
export const CAPTURE_PORT_MESSAGE = 'roundtable:capture-port';

export const CaptureOpenSchema = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/), request: z.unknown() });

/** Main -> renderer control messages (frames travel as binary, see encodeFrameHeader). */
export type CaptureControl =
  | { type: 'started'; media: CaptureMedia }
  /** FFmpeg stopped: the source ended or failed (`error`), or the capture was stopped. */
  | { type: 'ended'; reason: string; error: boolean };

/** Renderer -> main: a frame was taken (main may send the next), or stop capturing. */
export const CaptureReplySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ack'), seq: z.number().int().min(0) }),
  z.strictObject({ type: z.literal('stop') }),
]);
export type CaptureReply = z.infer<typeof CaptureReplySchema>;

/**
 * One frame as it crosses from main to renderer: a 40-byte little-endian header, then the raw
 * picture (I420, tightly packed) or sound (float32, interleaved). The same bytes whatever carries
 * them (an Electron MessagePort, or a WebSocket in tests).
 */
export const FRAME_HEADER_BYTES = 40;
export const FRAME_MAGIC = 0x31465452; // "RTF1"
export const FRAME_KIND = { video: 1, audio: 2 } as const;

export interface FrameHeader {
  media: CaptureMedia;
  seq: number;
  /** Video: picture width; audio: sample rate. */
  width: number;
  /** Video: picture height; audio: sample frames in the chunk. */
  height: number;
  channels: number;
  /** Frames main dropped so far because the renderer had not taken the previous ones. */
  dropped: number;
  /** When main had the whole frame from FFmpeg (ms since the epoch, sub-millisecond). */
  emittedAt: number;
  /** Media time of the frame in microseconds since the capture started. */
  timestamp: number;
}

export function encodeFrameHeader(view: DataView, header: FrameHeader): void {
  view.setUint32(0, FRAME_MAGIC, true);
  view.setUint8(4, FRAME_KIND[header.media]);
  view.setUint8(5, header.channels);
  view.setUint16(6, 0, true);
  view.setUint32(8, header.seq, true);
  view.setUint32(12, header.width, true);
  view.setUint32(16, header.height, true);
  view.setUint32(20, header.dropped, true);
  view.setFloat64(24, header.emittedAt, true);
  view.setFloat64(32, header.timestamp, true);
}

/** The header of a frame, or null when the bytes are not a frame. */
export function decodeFrameHeader(view: DataView): FrameHeader | null {
  if (view.byteLength < FRAME_HEADER_BYTES || view.getUint32(0, true) !== FRAME_MAGIC) return null;
  const kind = view.getUint8(4);
  if (kind !== FRAME_KIND.video && kind !== FRAME_KIND.audio) return null;
  return {
    media: kind === FRAME_KIND.video ? 'video' : 'audio',
    channels: view.getUint8(5),
    seq: view.getUint32(8, true),
    width: view.getUint32(12, true),
    height: view.getUint32(16, true),
    dropped: view.getUint32(20, true),
    emittedAt: view.getFloat64(24, true),
    timestamp: view.getFloat64(32, true),
  };
}

/** Bytes of one frame's payload. */
export function framePayloadBytes(header: Pick<FrameHeader, 'media' | 'width' | 'height' | 'channels'>): number {
  return header.media === 'video' ? (header.width * header.height * 3) / 2 : header.height * header.channels * 4;
}

/* ---- Request/response channels ---- */

/** `window.desktop.capture`, but for `open` (which travels with a MessagePort, see CAPTURE_OPEN_CHANNEL). */
export const CAPTURE_CHANNELS = {
  /** The sources added with "Add a source…". */
  sources: invoke('capture:sources', { args: [], result: z.array(AddedSourceSchema) }),
  /** Checks the URL or path with FFmpeg (what it holds) and keeps it; it is then listed with the devices. */
  addSource: invoke('capture:add-source', { args: [AddSourceRequestSchema], result: AddedSourceSchema }),
  removeSource: invoke('capture:remove-source', { args: [SourceIdSchema], result: z.array(AddedSourceSchema) }),
  /** A file picker for "Add a source…"; null when cancelled. */
  chooseFile: invoke('capture:choose-file', { args: [], result: z.string().nullable() }),
};

/** The `capture` section of the desktop API (`window.desktop.capture`) as the renderer uses it. */
export type CaptureApi = SectionApi<typeof CAPTURE_CHANNELS> & {
  /**
   * Starts capturing; resolves with the capture's id. The renderer's end of its MessagePort
   * arrives as a window message `{ type: CAPTURE_PORT_MESSAGE, id }` carrying the port.
   */
  open(request: CaptureRequest): Promise<string>;
};
/** The same as the preload exposes it (results in envelopes). */
export type CaptureBridge = SectionBridge<typeof CAPTURE_CHANNELS> & { open(request: CaptureRequest): Promise<IpcResult<string>> };
