import type { z } from 'zod';
import type {
  IceCandidateSchema,
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

export type JoinRequest = z.input<typeof JoinRequestSchema>;
export type MediaState = z.infer<typeof MediaStateSchema>;
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
  | 'id-in-use'
  | 'rate-limited'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** Every request is answered with exactly one of these. */
export type Result<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = (result: Result<T>) => void;

export interface JoinReply {
  self: Participant;
  /** Everyone already in the room, in order of joining. */
  participants: Participant[];
}

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
}

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
] as const satisfies readonly ClientEventName[];
