import { z } from 'zod';
import { event, events, invoke, type SectionApi } from './contract';
import { JoinTargetSchema } from './hosting';

/** What the renderer tells main about the meeting it is in (for the tray and close-to-tray). */
export const MeetingReportSchema = z.strictObject({
  stage: z.enum(['home', 'prejoin', 'meeting', 'left']),
  /** The person's display name, when known. */
  name: z.string().max(64),
  room: z.string().max(64).nullable(),
  server: z.string().max(512).nullable(),
  /** Everyone in the meeting, this person included (0 when not in one). */
  participants: z.number().int().min(0).max(10_000),
  micEnabled: z.boolean(),
  cameraEnabled: z.boolean(),
});
export type MeetingReport = z.infer<typeof MeetingReportSchema>;

/** What main asks the renderer to do (from the tray). */
export const MeetingCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mute') }),
  z.object({ kind: z.literal('unmute') }),
  z.object({ kind: z.literal('camera-on') }),
  z.object({ kind: z.literal('camera-off') }),
  z.object({ kind: z.literal('leave') }),
  z.object({ kind: z.literal('home') }),
  /**
   * Join this meeting; `autojoin` skips the pre-join screen (the host joining their own meeting),
   * `start` starts it if nobody runs it yet (the host's own meeting).
   */
  z.object({ kind: z.literal('join'), target: JoinTargetSchema, autojoin: z.boolean(), start: z.boolean().optional() }),
]);
export type MeetingCommand = z.infer<typeof MeetingCommandSchema>;

/** `window.desktop.meeting`: the renderer reports its meeting state (for the tray). */
export const MEETING_CHANNELS = {
  report: invoke('meeting:report', { args: [MeetingReportSchema], result: z.void() }),
};

export const MEETING_EVENTS = events(event('meeting:command', MeetingCommandSchema));

export type MeetingApi = SectionApi<typeof MEETING_CHANNELS>;
