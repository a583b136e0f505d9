import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import {
  ChatMessageSchema,
  MeetingEndedSchema,
  ReactionSchema,
  ParticipantLeftSchema,
  ParticipantSchema,
  ProtocolErrorSchema,
  SignalMessageSchema,
  type ChatHistory,
  type ChatHistoryRequest,
  type ChatMessage,
  type ChatSend,
  type ClientToServerEvents,
  type HandRequest,
  type Reaction,
  type ReactionRequest,
  type RecordingRequest,
  type ErrorCode,
  type JoinReply,
  type JoinRequest,
  type MediaState,
  type MeetingEnded,
  type Participant,
  type ParticipantLeft,
  type ProtocolError,
  type ServerToClientEvents,
  type SignalMessage,
  type SignalRequest,
} from '@roundtable/signaling-server/protocol';
import { Emitter } from './emitter';

export class SignalingError extends Error {
  constructor(
    readonly code: ErrorCode | 'timeout' | 'disconnected' | 'bad-reply',
    message: string,
  ) {
    super(message);
    this.name = 'SignalingError';
  }
}

export interface SignalingEvents {
  /** Connected, the first time or again after a drop. */
  connected: [again: boolean];
  disconnected: [reason: string];
  'participant-joined': [Participant];
  'participant-left': [ParticipantLeft];
  'participant-updated': [Participant];
  signal: [SignalMessage];
  'protocol-error': [ProtocolError];
  'meeting-ended': [MeetingEnded];
  'chat-message': [ChatMessage];
  reaction: [Reaction];
}

interface Requests {
  join: { request: JoinRequest; reply: JoinReply };
  leave: { request: Record<string, never>; reply: object };
  signal: { request: SignalRequest; reply: object };
  media: { request: MediaState; reply: object };
  'chat-send': { request: ChatSend; reply: { message: ChatMessage } };
  'chat-history': { request: ChatHistoryRequest; reply: ChatHistory };
  'raise-hand': { request: HandRequest; reply: object };
  react: { request: ReactionRequest; reply: object };
  recording: { request: RecordingRequest; reply: object };
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The renderer's side of the signaling protocol: typed requests that resolve with the server's
 * reply or reject with a SignalingError, and validated server events.
 */
export class SignalingClient {
  readonly events = new Emitter<SignalingEvents>();
  private readonly socket: ClientSocket;
  private everConnected = false;

  constructor(readonly url: string) {
    this.socket = io(url, {
      transports: ['websocket'],
      reconnectionDelay: 250,
      reconnectionDelayMax: 1000,
      randomizationFactor: 0.2,
      timeout: 5000,
    });
    this.socket.on('connect', () => {
      this.events.emit('connected', this.everConnected);
      this.everConnected = true;
    });
    this.socket.on('disconnect', (reason) => this.events.emit('disconnected', reason));
    this.relay('participant-joined', ParticipantSchema);
    this.relay('participant-left', ParticipantLeftSchema);
    this.relay('participant-updated', ParticipantSchema);
    this.relay('signal', SignalMessageSchema);
    this.relay('protocol-error', ProtocolErrorSchema);
    this.relay('meeting-ended', MeetingEndedSchema);
    this.relay('chat-message', ChatMessageSchema);
    this.relay('reaction', ReactionSchema);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Resolves once connected (at once if already), rejects after `timeoutMs`. */
  whenConnected(timeoutMs = 8000): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new SignalingError('timeout', `could not reach the meeting server at ${this.url}`));
      }, timeoutMs);
      const off = this.events.on('connected', () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  async request<E extends keyof Requests>(event: E, payload: Requests[E]['request'], timeoutMs = 5000): Promise<Requests[E]['reply']> {
    if (!this.socket.connected) throw new SignalingError('disconnected', 'not connected to the meeting server');
    let reply: unknown;
    try {
      // The typed overloads cannot follow a generic event name; the reply is checked below.
      const timed = this.socket.timeout(timeoutMs) as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> };
      reply = await timed.emitWithAck(event, payload);
    } catch {
      throw new SignalingError('timeout', `the server did not answer "${event}" within ${timeoutMs} ms`);
    }
    if (typeof reply !== 'object' || reply === null || !('ok' in reply)) throw new SignalingError('bad-reply', `malformed reply to "${event}"`);
    if (reply.ok === true) return reply as Requests[E]['reply'];
    const error = (reply as { error?: { code?: ErrorCode; message?: string } }).error;
    throw new SignalingError(error?.code ?? 'internal', error?.message ?? `the server refused "${event}"`);
  }

  /** Fire-and-forget for the hot path (ICE candidates): errors are reported, not thrown. */
  send<E extends keyof Requests>(event: E, payload: Requests[E]['request'], onError?: (error: SignalingError) => void): void {
    this.request(event, payload).catch((error: unknown) => {
      if (error instanceof SignalingError) onError?.(error);
    });
  }

  close(): void {
    this.socket.disconnect();
    this.events.clear();
  }

  private relay<E extends keyof ServerToClientEvents & keyof SignalingEvents>(event: E, schema: z.ZodType): void {
    const listen = this.socket.on.bind(this.socket) as (event: string, listener: (payload: unknown) => void) => void;
    listen(event, (payload) => {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        console.warn(`ignored a malformed "${event}" from the server`, parsed.error.issues);
        return;
      }
      (this.events.emit as (event: E, value: unknown) => void)(event, parsed.data);
    });
  }
}
