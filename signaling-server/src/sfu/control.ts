import { z } from 'zod';
import { ParticipantIdSchema } from '../protocol/schemas.js';
import { MediaSlotSchema, SfuLayersSchema, SfuTrackSchema, SfuViewSchema } from '../protocol/sfu.js';
import { LIMITS } from '../protocol/limits.js';

/**
 * What the meeting server and its SFU process say to each other (over the process's IPC channel:
 * a child process's `send`, or Electron's utilityProcess `postMessage`). The server decides who
 * may do what (only admitted members of one meeting instance, the host's mutes); the SFU only
 * forwards media as told. Both ends check every message with these schemas.
 */

/** A meeting instance's id (rooms/meetings.ts): the SFU never forwards between two of them. */
const MeetingSchema = z.string().min(1).max(64);
const Sdp = z.string().min(1).max(LIMITS.maxSdpChars);
const RequestId = z.number().int().min(0);
const Who = { meeting: MeetingSchema, member: ParticipantIdSchema };

export const SfuCommandSchema = z.discriminatedUnion('t', [
  /** A member's publish offer (first, fresh after a failure, or a renegotiation): `reply` with the answer. */
  z.strictObject({
    t: z.literal('publish'),
    req: RequestId,
    ...Who,
    sdp: Sdp,
    fresh: z.boolean(),
    slots: z.array(z.strictObject({ mid: z.string().max(16), slot: MediaSlotSchema })).max(4),
  }),
  /**
   * A new receiving connection for a member: an `offer` event with `fresh` follows. With `resume`,
   * the member's connection is kept if it has one, and only an offer it did not answer goes again.
   */
  z.strictObject({ t: z.literal('subscribe'), ...Who, resume: z.boolean().optional() }),
  /** A member's answer to the receiving connection's offer `revision`. */
  z.strictObject({ t: z.literal('answer'), ...Who, sdp: Sdp, revision: z.number().int().min(1) }),
  /** How big a member shows each of the others (what the SFU forwards to them follows it). */
  z.strictObject({ t: z.literal('view'), ...Who, views: SfuViewSchema.shape.views }),
  /** The host muted a member's microphone (the SFU stops forwarding it) or the member unmuted. */
  z.strictObject({ t: z.literal('mute'), ...Who, muted: z.boolean() }),
  /** A member left the meeting (or their connection to the server is gone for good). */
  z.strictObject({ t: z.literal('leave'), ...Who }),
  /** The meeting ended: every connection of it closes. */
  z.strictObject({ t: z.literal('end'), meeting: MeetingSchema }),
  /** Counters for tests and benchmarks: `reply` with them. */
  z.strictObject({ t: z.literal('stats'), req: RequestId }),
]);
export type SfuCommand = z.infer<typeof SfuCommandSchema>;

/** What the SFU counted so far, process-wide. */
export const SfuStatsSchema = z.strictObject({
  meetings: z.number().int(),
  publishers: z.number().int(),
  subscribers: z.number().int(),
  rtpIn: z.number().int(),
  rtpOut: z.number().int(),
  keyframeRequests: z.number().int(),
  layerSwitches: z.number().int(),
});
export type SfuStats = z.infer<typeof SfuStatsSchema>;

export const SfuEventSchema = z.discriminatedUnion('t', [
  /** The SFU runs (`version`: its WebRTC stack's). */
  z.strictObject({ t: z.literal('ready'), version: z.string().max(200) }),
  /** The answer to a `publish` or `stats` (or why it failed). */
  z.strictObject({ t: z.literal('reply'), req: RequestId, sdp: Sdp.optional(), stats: SfuStatsSchema.optional() }),
  z.strictObject({ t: z.literal('failed'), req: RequestId, message: z.string().max(500) }),
  /** An offer for a member's receiving connection: relay it to them as `sfu-offer`. */
  z.strictObject({
    t: z.literal('offer'),
    ...Who,
    sdp: Sdp,
    revision: z.number().int().min(1),
    fresh: z.boolean(),
    tracks: z.array(SfuTrackSchema).max(4 * 64),
  }),
  /** Which layers of a member's camera or screen anyone is shown: relay it to them as `sfu-layers`. */
  z.strictObject({ t: z.literal('layers'), ...Who, ...SfuLayersSchema.shape }),
  /** Something for the server's log (no media, no SDP). */
  z.strictObject({ t: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string().max(1000) }),
]);
export type SfuEvent = z.infer<typeof SfuEventSchema>;

/**
 * The SFU process as the server sees it, however it was started (a child process for the
 * standalone server, Electron's utilityProcess in the desktop app).
 */
export interface SfuChannel {
  send(command: SfuCommand): void;
  onEvent(listener: (event: SfuEvent) => void): void;
  /** The process ended (crashed, or stopped). */
  onExit(listener: (code: number | null) => void): void;
  stop(): Promise<void>;
}

/** Starts the SFU process: `options` go to it as its settings. */
export type SfuLauncher = (options: SfuProcessOptions) => SfuChannel;

/** The SFU process's settings (passed at its start, as JSON in the environment variable ROUNDTABLE_SFU). */
export const SfuProcessOptionsSchema = z.strictObject({
  /** The address its UDP sockets bind to (ICE host candidates): 0.0.0.0 on a LAN, 127.0.0.1 in tests. */
  bindAddress: z.string().max(64),
  /** One UDP port for every connection (ICE UDP mux), or a range; 0: any. */
  portRangeBegin: z.number().int().min(0).max(65535),
  portRangeEnd: z.number().int().min(0).max(65535),
  /** Past this many people in a meeting, only the loudest few are forwarded (audio level). */
  loudestOnlyFrom: z.number().int().min(2),
  loudest: z.number().int().min(1),
});
export type SfuProcessOptions = z.infer<typeof SfuProcessOptionsSchema>;
