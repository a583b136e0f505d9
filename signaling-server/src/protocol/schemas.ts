import { z } from 'zod';
import { LIMITS } from './limits.js';
import { PasscodeSchema } from './passcode.js';

/** Control characters (C0, DEL, C1) and bidi overrides are refused in anything shown to people. */
// eslint-disable-next-line no-control-regex
export const UNPRINTABLE_EXCEPT_NEWLINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export const RoomCodeSchema = z
  .string()
  .trim()
  .min(1, 'the meeting code is empty')
  .max(LIMITS.maxRoomChars, `the meeting code is longer than ${LIMITS.maxRoomChars} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'a meeting code holds only Latin letters (a-z), digits, "-" and "_"')
  .transform((code) => code.toLowerCase());

/**
 * Characters that change how text looks without showing: format characters (zero-width spaces
 * and joiners, bidi marks), line and paragraph separators. In a name they let one person pass for
 * another ("Ada" and "A\u200bda").
 */
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}]/u;

/** A name as people see it: NFKC-normalised (so look-alike forms are one), trimmed, nothing hidden in it. */
export const DisplayNameSchema = z
  .string()
  .transform((name) => name.normalize('NFKC').trim())
  .pipe(
    z
      .string()
      .min(1, 'the name is empty')
      .max(LIMITS.maxNameChars, `the name is longer than ${LIMITS.maxNameChars} characters`)
      .refine((name) => !UNPRINTABLE.test(name), 'the name holds control characters')
      .refine((name) => !INVISIBLE.test(name), 'the name holds invisible characters (zero-width or separators)'),
  );

export const ParticipantIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a participant id');

/** What a participant is sending; shown by everyone else as icons and placeholders. */
export const MediaStateSchema = z.strictObject({
  audio: z.boolean(),
  video: z.boolean(),
  /** Sharing a screen or window (its own track, shown as its own tile). */
  screen: z.boolean().default(false),
});

export const JoinRequestSchema = z.strictObject({
  protocol: z.number().int(),
  room: RoomCodeSchema,
  name: DisplayNameSchema,
  /**
   * A random secret the client keeps for the meeting; the participant id is derived from it,
   * so a client that reconnects (or reloads) gets its id back and nobody else can claim it.
   */
  secret: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'the secret must be 22-128 url-safe characters'),
  /** Random per call-engine instance: a new session under a known id means "start over with me". */
  session: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a session id'),
  media: MediaStateSchema,
  /** The meeting's passcode, when it has one. */
  passcode: z.string().max(LIMITS.maxPasscodeChars).optional(),
  /**
   * Start the meeting if nobody runs it, with these rules (the one who starts it hosts it). Without
   * it, a code nobody runs is waited on (`{ waiting: true }`) until someone starts it. Ignored when
   * the meeting runs already; a kept meeting only its host can start again.
   */
  create: z
    .strictObject({
      passcode: PasscodeSchema.optional(),
      waitingRoom: z.boolean().optional(),
      keepChat: z.boolean().optional(),
    })
    .optional(),
});

export const SessionDescriptionSchema = z.strictObject({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.string().max(LIMITS.maxSdpChars, `the SDP is longer than ${LIMITS.maxSdpChars} characters`),
});

export const IceCandidateSchema = z.strictObject({
  candidate: z.string().max(LIMITS.maxCandidateChars),
  sdpMid: z.string().max(32).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

const descriptionBody = {
  kind: z.literal('description'),
  description: SessionDescriptionSchema,
  /** The first offer of a new connection: the receiver drops whatever connection it had with the sender. */
  fresh: z.boolean().optional(),
};
/** `candidate: null` means the sender has gathered all its candidates. */
const candidateBody = { kind: z.literal('candidate'), candidate: IceCandidateSchema.nullable() };
/**
 * How big the sender shows the receiver's camera, in CSS pixels (0 x 0: not shown at all), so the
 * receiver can budget what it encodes for this one peer.
 */
const viewBody = {
  kind: z.literal('view'),
  view: z.strictObject({ width: z.number().int().min(0).max(16384), height: z.number().int().min(0).max(16384) }),
};

/**
 * During a meeting's move from the mesh to the SFU: everything the receiver sends now reaches the
 * sender through the SFU, so their mesh connection may close once the receiver says the same.
 * Each side closes it only then: closing it when only one side had moved cut the other's sound.
 */
const movedBody = { kind: z.literal('moved') };

/** One WebRTC negotiation message for exactly one other participant of the same room. */
export const SignalRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ to: ParticipantIdSchema, ...descriptionBody }),
  z.strictObject({ to: ParticipantIdSchema, ...candidateBody }),
  z.strictObject({ to: ParticipantIdSchema, ...viewBody }),
  z.strictObject({ to: ParticipantIdSchema, ...movedBody }),
]);

export const EmptyRequestSchema = z.strictObject({});

export const ParticipantSchema = z.strictObject({
  id: ParticipantIdSchema,
  session: z.string(),
  name: z.string(),
  joinedAt: z.number(),
  media: MediaStateSchema,
  /** When they raised their hand (server time), or null. Hands are answered in this order. */
  hand: z.number().nullable(),
  /** They are recording the meeting: everyone is shown that it is being recorded. */
  recording: z.boolean(),
  /** They host the meeting: they let people in, mute, remove, lock and end it. */
  host: z.boolean(),
});

export const ParticipantLeftSchema = z.strictObject({
  id: ParticipantIdSchema,
  /** `timed-out`: their connection went silent (their media may still flow); `disconnected`: it closed. */
  reason: z.enum(['left', 'disconnected', 'timed-out', 'removed']),
});

/** A negotiation message relayed from `from`. */
export const SignalMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ from: ParticipantIdSchema, ...descriptionBody }),
  z.strictObject({ from: ParticipantIdSchema, ...candidateBody }),
  z.strictObject({ from: ParticipantIdSchema, ...viewBody }),
  z.strictObject({ from: ParticipantIdSchema, ...movedBody }),
]);

/** A STUN or TURN server for the participant's connections (RTCIceServer's shape). */
export const IceServerSchema = z.strictObject({
  urls: z
    .array(z.string().regex(/^(stun|stuns|turn|turns):[^\s]{1,250}$/, 'not a stun:/turn: URL'))
    .min(1)
    .max(8),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional(),
});

export const ProtocolErrorSchema = z.strictObject({
  event: z.string(),
  error: z.strictObject({ code: z.string(), message: z.string(), retryAfterMs: z.number().optional() }),
});

/**
 * Why exactly a meeting ended, for the client to word in its language: `ended-by-host` (end-meeting),
 * `host-stopped` (the app that hosted it stopped hosting), `host-quit` (that app quit),
 * `server-shutdown`. `reason` stays the coarse one older clients know (host-quit is a host-stopped).
 */
export const MEETING_ENDED_CODES = ['ended-by-host', 'host-stopped', 'host-quit', 'server-shutdown'] as const;
export type MeetingEndedCode = (typeof MEETING_ENDED_CODES)[number];

export const MeetingEndedSchema = z.strictObject({
  reason: z.enum(['host-stopped', 'ended-by-host', 'server-shutdown']),
  /** In English, for logs: clients word `code` (or, from a server older than `code`, `reason`). */
  message: z.string().max(200),
  /** Absent from an older server; a code this client does not know yet reads as absent (worded from `reason`). */
  code: z.enum(MEETING_ENDED_CODES).optional().catch(undefined),
  /** host-stopped, host-quit: the meeting's name, as its host called it. */
  meetingName: z.string().max(200).optional(),
});
