import { z } from 'zod';
import { event, events, invoke, type SectionApi } from './contract';

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

export const RECORDING_PHASES = ['recording', 'finalizing', 'recovering', 'saved', 'failed'] as const;
export type RecordingPhase = (typeof RECORDING_PHASES)[number];

/** A recording as the main process knows it: being recorded, being turned into a file, or done. */
export const RecordingJobSchema = z.object({
  id: z.string(),
  title: z.string(),
  phase: z.enum(RECORDING_PHASES),
  /** How far FFmpeg is in making the file (0–100) while finalizing or recovering; null otherwise. */
  percent: z.number().nullable(),
  /** The finished file. */
  path: z.string().nullable(),
  format: z.enum(['mp4', 'webm']).nullable(),
  error: z.string().nullable(),
  /** When recording started (ms since the epoch). */
  startedAt: z.number(),
});
export type RecordingJob = z.infer<typeof RecordingJobSchema>;

/** `window.desktop.recording`: chunks of a recording go to the main process, which makes the file. */
export const RECORDING_CHANNELS = {
  start: invoke('recording:start', { args: [RecordingStartSchema], result: z.object({ id: z.string() }) }),
  /** The next chunk, in order; resolves once it is on disk. */
  append: invoke('recording:append', { args: [RecordingIdSchema, RecordingChunkSchema, ElapsedSchema], result: z.void() }),
  /** No more chunks: the file is made; resolves with the saved (or failed) job. Progress comes as 'recording:job' events. */
  stop: invoke('recording:stop', { args: [RecordingIdSchema, ElapsedSchema], result: RecordingJobSchema }),
  /** Shows a saved recording in the file manager. */
  reveal: invoke('recording:reveal', { args: [RecordingIdSchema], result: z.void() }),
  /** Recordings being finalized or recovered, and the ones finished since the app started. */
  jobs: invoke('recording:jobs', { args: [], result: z.array(RecordingJobSchema) }),
};

export const RECORDING_EVENTS = events(
  /** A recording's phase or progress changed (finalizing after Stop, recovering after a crash). */
  event('recording:job', RecordingJobSchema),
);

/** The `recording` section of the desktop API (`window.desktop.recording`). */
export type RecordingApi = SectionApi<typeof RECORDING_CHANNELS>;
