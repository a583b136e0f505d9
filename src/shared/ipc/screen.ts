import { z } from 'zod';
import { invoke, type SectionApi } from './contract';

/** A screen or window the user can share, as our own picker shows it. */
export const ScreenSourceSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['screen', 'window']),
  /** A PNG data URL of what it shows now. */
  thumbnail: z.string(),
  /** The window's application icon, when there is one (PNG data URL). */
  appIcon: z.string().nullable(),
});
export type CaptureSource = z.infer<typeof ScreenSourceSchema>;

export const CaptureSourcesSchema = z.object({
  sources: z.array(ScreenSourceSchema),
  /** Whether the computer's sound can be shared with a screen on this OS. */
  audioAvailable: z.boolean(),
});
export type CaptureSources = z.infer<typeof CaptureSourcesSchema>;

export const CaptureChoiceSchema = z.strictObject({ id: z.string().min(1).max(256), audio: z.boolean() });
export type CaptureChoice = z.infer<typeof CaptureChoiceSchema>;

/** `window.desktop.screen`: our own screen picker, which decides what getDisplayMedia() shares. */
export const SCREEN_CHANNELS = {
  /** The screens and windows there are now, with live thumbnails. */
  sources: invoke('screen:sources', { args: [], result: CaptureSourcesSchema }),
  /** What the next getDisplayMedia() call gets (within a few seconds). */
  choose: invoke('screen:choose', { args: [CaptureChoiceSchema], result: z.void() }),
};

export type ScreenApi = SectionApi<typeof SCREEN_CHANNELS>;
