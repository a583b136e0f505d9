import type { z } from 'zod';
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
import type { ChatHistoryRequestSchema, ChatHistorySchema, ChatMessageSchema, ChatSendSchema } from './chat.js';
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
export interface JoinedReply {
  self: Participant;
  /** Everyone already in the room, in order of joining. */
  participants: Participant[];
  room: RoomSettings;
  /** STUN/TURN servers for this participant's connections (TURN credentials are theirs, short-lived); none on a LAN. */
  iceServers?: IceServer[];
}

/** In the waiting room: `admitted` or `sent-away` follows when the host decides. */
export interface WaitingReply {
  waiting: true;
}

export type JoinReply = JoinedReply | WaitingReply;

/** Events a client sends. Every one takes one payload object and an acknowledgement callback. */
export interface ClientToServerEvents {
  join: (request: JoinRequest, ack: Ack<JoinReply>) => void;
  leave: (request: Record<string, never>, ack: Ack) => void;
  signal: (request: SignalRequest, ack: Ack) => void;
  /** Tell the room what you are sending now (mic/camera toggles). */
  media: (request: MediaState, ack: Ack) => void;
  /** Post a chat message; sending the same id again returns the stored message and posts nothing. */
  'chat-send': (request: ChatSend, ack: Ack<{ message: ChatMessage }>) => void;
  /** A page of the meeting's chat, oldest first. */
  'chat-history': (request: ChatHistoryRequest, ack: Ack<ChatHistory>) => void;
  'raise-hand': (request: HandRequest, ack: Ack) => void;
  react: (request: ReactionRequest, ack: Ack) => void;
  /** Tell everyone you started (or stopped) recording the meeting. */
  recording: (request: RecordingRequest, ack: Ack) => void;
  // The host's controls; anyone else gets 'forbidden'.
  'host-settings': (request: HostSettings, ack: Ack<{ room: RoomSettings }>) => void;
  admit: (request: TargetRequest, ack: Ack) => void;
  'admit-all': (request: Record<string, never>, ack: Ack) => void;
  deny: (request: TargetRequest, ack: Ack) => void;
  'ask-unmute': (request: TargetRequest, ack: Ack) => void;
  mute: (request: TargetRequest, ack: Ack) => void;
  'stop-video': (request: TargetRequest, ack: Ack) => void;
  remove: (request: TargetRequest, ack: Ack) => void;
  'make-host': (request: TargetRequest, ack: Ack) => void;
  'end-meeting': (request: Record<string, never>, ack: Ack) => void;
  /** Lets someone the host removed come back (through the meeting's usual rules). */
  unban: (request: TargetRequest, ack: Ack) => void;
  /** Fresh STUN/TURN servers (TURN credentials expire): only for people in the meeting. */
  'ice-servers': (request: Record<string, never>, ack: Ack<{ iceServers: IceServer[] }>) => void;
}

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
] as const satisfies readonly (keyof ClientToServerEvents)[];

/** Events the server sends. */
export interface ServerToClientEvents {
  'participant-joined': (participant: Participant) => void;
  'participant-left': (left: ParticipantLeft) => void;
  signal: (message: SignalMessage) => void;
  'chat-message': (message: ChatMessage) => void;
  reaction: (reaction: Reaction) => void;
  /** Someone's public state changed (e.g. they muted). Carries their whole current state. */
  'participant-updated': (participant: Participant) => void;
  /** The meeting is over for everyone (the host stopped hosting or ended it); the connection closes. */
  'meeting-ended': (ended: MeetingEnded) => void;
  /** The room's rules changed (host, lock, waiting room, passcode). */
  'room-settings': (settings: RoomSettings) => void;
  /** To the host: who is in the waiting room now. */
  'waiting-list': (list: WaitingList) => void;
  /** To someone in the waiting room: you are in (the same as a join reply). */
  admitted: (reply: JoinedReply) => void;
  /** To someone the host turned away or removed; the connection closes. */
  'sent-away': (notice: SentAway) => void;
  /** To a participant: the host asks you to unmute, or muted you / stopped your video. */
  'host-notice': (notice: HostNotice) => void;
  /** To the host: who is banned now. */
  'ban-list': (list: BanList) => void;
  /** To someone waiting for a meeting to start: it has started; send `join` again. */
  'host-arrived': (notice: Record<string, never>) => void;
  /** The answer to a request that carried no acknowledgement callback, or to an unknown event. */
  'protocol-error': (error: ProtocolError) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export const CLIENT_EVENTS = [
  'join',
  'leave',
  'signal',
  'media',
  'chat-send',
  'chat-history',
  'raise-hand',
  'react',
  'recording',
  'ice-servers',
  ...HOST_EVENTS,
] as const satisfies readonly ClientEventName[];
