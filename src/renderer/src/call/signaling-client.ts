import { io, type Socket } from 'socket.io-client';
import {
  REQUESTS,
  SERVER_EVENT_SCHEMAS,
  type ErrorCode,
  type ReplyBody,
  type RequestName,
  type RequestPayload,
  type ServerToClientEvents,
} from '@roundtable/signaling-server/protocol';
import { Emitter } from './emitter';

export class SignalingError extends Error {
  constructor(
    readonly code: ErrorCode | 'timeout' | 'disconnected' | 'bad-reply',
    message: string,
    /** When the server says trying again makes sense, in how long (ms). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SignalingError';
  }
}

type ServerEvent = keyof ServerToClientEvents;

/** Every server event (validated), plus the connection's own ups and downs. */
export type SignalingEvents = { [E in ServerEvent]: Parameters<ServerToClientEvents[E]> } & {
  /** Connected, the first time or again after a drop. */
  connected: [again: boolean];
  disconnected: [reason: string];
};

type ClientSocket = Socket<ServerToClientEvents>;

/**
 * The renderer's side of the signaling protocol: typed requests that resolve with the server's
 * reply or reject with a SignalingError, and server events checked against the protocol's schemas.
 */
export class SignalingClient {
  readonly events = new Emitter<SignalingEvents>();
  private readonly socket: ClientSocket;
  private everConnected = false;

  constructor(readonly url: string) {
    this.socket = io(url, {
      transports: ['websocket'],
      // Try again soon after a drop: a restarted server is back within a second or two, and people
      // should be back in the meeting within two seconds of that (checked by the fault tests).
      reconnectionDelay: 250,
      reconnectionDelayMax: 500,
      randomizationFactor: 0.2,
      timeout: 5000,
    });
    this.socket.on('connect', () => {
      this.events.emit('connected', this.everConnected);
      this.everConnected = true;
    });
    this.socket.on('disconnect', (reason) => this.events.emit('disconnected', reason));
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
    for (const event of Object.keys(SERVER_EVENT_SCHEMAS) as ServerEvent[]) this.relay(event);
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

  /** Sends `event` and resolves with its reply's body, checked against the protocol's schema (the same one the server is typed by). */
  async request<E extends RequestName>(event: E, payload: RequestPayload<E>, timeoutMs = 5000): Promise<ReplyBody<E>> {
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
    if (reply.ok === true) {
      const { ok: _ok, ...body } = reply as { ok: true };
      const checked = REQUESTS[event].reply.safeParse(body);
      if (!checked.success) throw new SignalingError('bad-reply', `malformed reply to "${event}": ${checked.error.issues[0]?.message ?? ''}`);
      return checked.data as ReplyBody<E>;
    }
    const error = (reply as { error?: { code?: ErrorCode; message?: string; retryAfterMs?: unknown } }).error;
    const retryAfterMs = typeof error?.retryAfterMs === 'number' && error.retryAfterMs >= 0 ? error.retryAfterMs : undefined;
    throw new SignalingError(error?.code ?? 'internal', error?.message ?? `the server refused "${event}"`, retryAfterMs);
  }

  /** Fire-and-forget for the hot path (ICE candidates): errors are reported, not thrown. */
  send<E extends RequestName>(event: E, payload: RequestPayload<E>, onError?: (error: SignalingError) => void): void {
    this.request(event, payload).catch((error: unknown) => {
      if (error instanceof SignalingError) onError?.(error);
    });
  }

  close(): void {
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    this.socket.disconnect();
    this.events.clear();
  }

  /** The network is back: reconnect now rather than when the back-off timer says (up to a second later). */
  private readonly onOnline = (): void => {
    if (!this.socket.connected && this.socket.active) this.socket.disconnect().connect();
  };

  private relay<E extends ServerEvent>(event: E): void {
    const schema = SERVER_EVENT_SCHEMAS[event];
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
