import { z } from 'zod';

/**
 * Recording a meeting: the renderer records the meeting as seen (tiles composed on a canvas,
 * voices mixed) with MediaRecorder and streams the chunks to the main process, which keeps them on
 * disk as they come and has FFmpeg turn them into an MP4 (or WebM) in the user's Videos folder.
 */

export const RecordingStartSchema = z.strictObject({
  /** What the meeting is called (its code); part of the file name. */
  title: z.string().max(120),
  /** What MediaRecorder produces, e.g. "video/webm;codecs=vp8,opus". */
  mimeType: z
    .string()
    .max(120)
    .regex(/^(?:video|audio)\/[a-z0-9.+-]+(?:;\s*codecs="?[a-z0-9.+-]+(?:,\s?[a-z0-9.+-]+)*"?)?$/i),
});
export type RecordingStart = z.infer<typeof RecordingStartSchema>;

export const RecordingIdSchema = z.string().regex(/^[0-9a-z-]{8,64}$/);
/** One MediaRecorder chunk (about a second). */
export const MAX_CHUNK_BYTES = 32 * 1024 * 1024;
export const RecordingChunkSchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.byteLength <= MAX_CHUNK_BYTES, {
  message: `a chunk is binary data of at most ${MAX_CHUNK_BYTES} bytes`,
});
/** Milliseconds of recording so far, as the renderer counts them. */
export const ElapsedSchema = z
  .number()
  .min(0)
  .max(7 * 24 * 3600 * 1000);

export type RecordingPhase = 'recording' | 'finalizing' | 'recovering' | 'saved' | 'failed';

/** A recording as the main process knows it: being recorded, being turned into a file, or done. */
export interface RecordingJob {
  id: string;
  title: string;
  phase: RecordingPhase;
  /** How far FFmpeg is in making the file (0–100) while finalizing or recovering; null otherwise. */
  percent: number | null;
  /** The finished file. */
  path: string | null;
  format: 'mp4' | 'webm' | null;
  error: string | null;
  /** When recording started (ms since the epoch). */
  startedAt: number;
}

export interface RecordingChannels {
  'recording:start': { args: [options: RecordingStart]; result: { id: string } };
  /** The next chunk, in order; resolves once it is on disk. */
  'recording:append': { args: [id: string, chunk: Uint8Array, elapsedMs: number]; result: void };
  /** No more chunks: the file is made; resolves with the saved (or failed) job. Progress comes as 'recording:job' events. */
  'recording:stop': { args: [id: string, elapsedMs: number]; result: RecordingJob };
  /** Shows a saved recording in the file manager. */
  'recording:reveal': { args: [id: string]; result: void };
  /** Recordings being finalized or recovered, and the ones finished since the app started. */
  'recording:jobs': { args: []; result: RecordingJob[] };
}

export const RECORDING_CHANNELS = [
  'recording:start',
  'recording:append',
  'recording:stop',
  'recording:reveal',
  'recording:jobs',
] as const satisfies ReadonlyArray<keyof RecordingChannels>;

export interface RecordingEvents {
  /** A recording's phase or progress changed (finalizing after Stop, recovering after a crash). */
  'recording:job': RecordingJob;
}

/** The `recording` section of the desktop API (`window.desktop.recording`). */
export interface RecordingApi {
  start(options: RecordingStart): Promise<{ id: string }>;
  append(id: string, chunk: Uint8Array, elapsedMs: number): Promise<void>;
  stop(id: string, elapsedMs: number): Promise<RecordingJob>;
  reveal(id: string): Promise<void>;
  jobs(): Promise<RecordingJob[]>;
}
