import { z } from 'zod';
import { HostSettingsSchema, RoomSettingsSchema, TargetRequestSchema } from './access.js';
import { ChatHistoryRequestSchema, ChatHistorySchema, ChatMessageSchema, ChatSendSchema } from './chat.js';
import { HandRequestSchema, ReactionRequestSchema, RecordingRequestSchema } from './presence.js';
import { FileOfferReplySchema, FileOfferSchema, FileTokenReplySchema, FileTokenRequestSchema } from './files.js';
import { EmptyRequestSchema, IceServerSchema, JoinRequestSchema, MediaStateSchema, SignalRequestSchema } from './schemas.js';
import { JoinedReplySchema } from './replies.js';
import {
  DeleteMeetingRecordSchema,
  MeetingRecordReplySchema,
  MeetingRecordRequestSchema,
  MeetingRecordsReplySchema,
  MeetingRecordsRequestSchema,
  MeetingStatsSchema,
} from './records.js';
import { SfuAnswerSchema, SfuPublishReplySchema, SfuPublishSchema, SfuSubscribeReplySchema, SfuSubscribeSchema, SfuViewSchema } from './sfu.js';

/** The body of a plain acknowledgement: `{ ok: true }` and nothing else. */
const Done = z.strictObject({});

/** In the waiting room (or waiting for the meeting to start): `admitted`, `host-arrived` or `sent-away` follows. */
export const WaitingReplySchema = z.strictObject({ waiting: z.literal(true) });

/**
 * Every request a client sends: the schema of its payload (the server checks it before anything
 * else) and of its reply's body (what follows `ok: true`; the client checks it). One place for both
 * ends: the server's routes take their payload schema from here, and its replies are typed by it.
 */
export const REQUESTS = {
  join: { request: JoinRequestSchema, reply: z.union([JoinedReplySchema, WaitingReplySchema]) },
  leave: { request: EmptyRequestSchema, reply: Done },
  signal: { request: SignalRequestSchema, reply: Done },
  /** What you are sending now (mic/camera/screen toggles). */
  media: { request: MediaStateSchema, reply: Done },
  /** Post a chat message; sending the same id again returns the stored message and posts nothing. */
  'chat-send': { request: ChatSendSchema, reply: z.strictObject({ message: ChatMessageSchema }) },
  /** A page of the meeting's chat, oldest first. */
  'chat-history': { request: ChatHistoryRequestSchema, reply: ChatHistorySchema },
  /** Share a file in the chat: an upload token for its bytes (files.ts), or why not. */
  'file-offer': { request: FileOfferSchema, reply: FileOfferReplySchema },
  /** A one-use download token for a file of the meeting's chat. */
  'file-token': { request: FileTokenRequestSchema, reply: FileTokenReplySchema },
  'raise-hand': { request: HandRequestSchema, reply: Done },
  react: { request: ReactionRequestSchema, reply: Done },
  /** Tell everyone you started (or stopped) recording the meeting. */
  recording: { request: RecordingRequestSchema, reply: Done },
  /** Fresh STUN/TURN servers (TURN credentials expire): only for people in the meeting. */
  'ice-servers': { request: EmptyRequestSchema, reply: z.strictObject({ iceServers: z.array(IceServerSchema).max(4) }) },
  // The host's controls; anyone else gets 'forbidden'.
  'host-settings': { request: HostSettingsSchema, reply: z.strictObject({ room: RoomSettingsSchema }) },
  admit: { request: TargetRequestSchema, reply: Done },
  'admit-all': { request: EmptyRequestSchema, reply: Done },
  deny: { request: TargetRequestSchema, reply: Done },
  'ask-unmute': { request: TargetRequestSchema, reply: Done },
  mute: { request: TargetRequestSchema, reply: Done },
  'stop-video': { request: TargetRequestSchema, reply: Done },
  remove: { request: TargetRequestSchema, reply: Done },
  'make-host': { request: TargetRequestSchema, reply: Done },
  'end-meeting': { request: EmptyRequestSchema, reply: Done },
  // The SFU (only in a meeting on the `sfu` route; see sfu.ts).
  'sfu-publish': { request: SfuPublishSchema, reply: SfuPublishReplySchema },
  'sfu-subscribe': { request: SfuSubscribeSchema, reply: SfuSubscribeReplySchema },
  'sfu-answer': { request: SfuAnswerSchema, reply: Done },
  'sfu-view': { request: SfuViewSchema, reply: Done },
  /** Lets someone the host removed come back (through the meeting's usual rules). */
  unban: { request: TargetRequestSchema, reply: Done },
  // Meeting records (records.ts): what the client measured, for its host's record; and the host's reads.
  'meeting-stats': { request: MeetingStatsSchema, reply: Done },
  'meeting-record': { request: MeetingRecordRequestSchema, reply: MeetingRecordReplySchema },
  'meeting-records': { request: MeetingRecordsRequestSchema, reply: MeetingRecordsReplySchema },
  'delete-meeting-record': { request: DeleteMeetingRecordSchema, reply: Done },
} as const satisfies Record<string, { request: z.ZodType; reply: z.ZodType }>;

export type RequestName = keyof typeof REQUESTS;
/** What a client sends for `E` (before the server's defaults and trimming). */
export type RequestPayload<E extends RequestName> = z.input<(typeof REQUESTS)[E]['request']>;
/** What the server's handler gets for `E` (checked, normalised). */
export type CheckedRequest<E extends RequestName> = z.output<(typeof REQUESTS)[E]['request']>;
/** A body with nothing in it (`{}` on the wire) is typed as `object`, so `{ ok: true }` is one. */
type Bodyless<T> = string extends keyof T ? object : T;
/** The body of `E`'s reply after `ok: true`. */
export type ReplyBody<E extends RequestName> = Bodyless<z.output<(typeof REQUESTS)[E]['reply']>>;
