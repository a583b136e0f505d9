import type { z } from 'zod';
import type { JoinedReplySchema } from './replies.js';
import { REQUESTS, type ReplyBody, type RequestName, type RequestPayload, type WaitingReplySchema } from './requests.js';
import type {
  IceCandidateSchema,
  IceServerSchema,
  JoinRequestSchema,
  MediaStateSchema,
  MeetingEndedSchema,
  ParticipantLeftSchema,
  ParticipantSchema,
  ProtocolErrorSchema,
  SessionDescriptionSchema,
  SignalMessageSchema,
  SignalRequestSchema,
} from './schemas.js';
import type { ChatFileSchema, ChatHistoryRequestSchema, ChatHistorySchema, ChatMessageSchema, ChatSendSchema } from './chat.js';
import type { HandRequestSchema, ReactionRequestSchema, ReactionSchema, RecordingRequestSchema } from './presence.js';
import type {
  BanListSchema,
  HostNoticeSchema,
  HostSettingsSchema,
  RoomSettingsSchema,
  SentAwaySchema,
  TargetRequestSchema,
  WaitingListSchema,
  WaitingPersonSchema,
} from './access.js';

export type JoinRequest = z.input<typeof JoinRequestSchema>;
export type MediaState = z.infer<typeof MediaStateSchema>;
export type IceServer = z.infer<typeof IceServerSchema>;
export type Participant = z.infer<typeof ParticipantSchema>;
export type ParticipantLeft = z.infer<typeof ParticipantLeftSchema>;
export type SessionDescription = z.infer<typeof SessionDescriptionSchema>;
export type IceCandidate = z.infer<typeof IceCandidateSchema>;
export type SignalRequest = z.infer<typeof SignalRequestSchema>;
export type SignalMessage = z.infer<typeof SignalMessageSchema>;
export type ProtocolError = z.infer<typeof ProtocolErrorSchema>;
export type MeetingEnded = z.infer<typeof MeetingEndedSchema>;
export type ChatSend = z.input<typeof ChatSendSchema>;
export type ChatHistoryRequest = z.infer<typeof ChatHistoryRequestSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type ChatHistory = z.infer<typeof ChatHistorySchema>;
export type ChatFile = z.infer<typeof ChatFileSchema>;
export type HandRequest = z.infer<typeof HandRequestSchema>;
export type RecordingRequest = z.infer<typeof RecordingRequestSchema>;
export type ReactionRequest = z.infer<typeof ReactionRequestSchema>;
export type Reaction = z.infer<typeof ReactionSchema>;
export type HostSettings = z.infer<typeof HostSettingsSchema>;
export type RoomSettings = z.infer<typeof RoomSettingsSchema>;
export type TargetRequest = z.infer<typeof TargetRequestSchema>;
export type WaitingPerson = z.infer<typeof WaitingPersonSchema>;
export type WaitingList = z.infer<typeof WaitingListSchema>;
export type HostNotice = z.infer<typeof HostNoticeSchema>;
export type SentAway = z.infer<typeof SentAwaySchema>;
export type BanList = z.infer<typeof BanListSchema>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A negotiation message without its addressing: what one peer connection hands to the other. */
export type SignalBody = DistributiveOmit<SignalMessage, 'from'>;

export type ErrorCode =
  | 'invalid-payload'
  | 'payload-too-large'
  | 'unknown-event'
  | 'version-mismatch'
  | 'not-in-room'
  | 'already-in-room'
  | 'not-found'
  | 'rate-limited'
  | 'room-full'
  | 'forbidden'
  | 'locked'
  | 'passcode-required'
  | 'passcode-wrong'
  | 'banned'
  | 'quota-exceeded'
  | 'busy'
  | 'internal';

export interface ErrorBody {
  code: ErrorCode;
  /** For developers and logs; apps word the refusal from `code`. */
  message: string;
  /** When trying again makes sense (a rate limit, a passcode back-off): in this many milliseconds. */
  retryAfterMs?: number;
}

/** Every request is answered with exactly one of these. */
export type Result<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = (result: Result<T>) => void;

/** In the meeting: who you are, who is there, and the room's rules. */
export type JoinedReply = z.infer<typeof JoinedReplySchema>;
/** In the waiting room: `admitted`, `host-arrived` or `sent-away` follows. */
export type WaitingReply = z.infer<typeof WaitingReplySchema>;
export type JoinReply = ReplyBody<'join'>;

/** Events a client sends (requests.ts): one payload object and an acknowledgement callback each. */
export type ClientToServerEvents = { [E in RequestName]: (request: RequestPayload<E>, ack: Ack<ReplyBody<E>>) => void };
export type ClientEventName = RequestName;
export type { ServerToClientEvents } from './server-events.js';
export type { CheckedRequest, ReplyBody, RequestName, RequestPayload } from './requests.js';

/** The events only the host may send. */
export const HOST_EVENTS = [
  'host-settings',
  'admit',
  'admit-all',
  'deny',
  'ask-unmute',
  'mute',
  'stop-video',
  'remove',
  'make-host',
  'end-meeting',
  'unban',
] as const satisfies readonly RequestName[];

export const CLIENT_EVENTS = Object.keys(REQUESTS) as RequestName[];
