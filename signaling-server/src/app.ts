import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import { LIMITS, type ErrorBody, type MeetingEnded } from './protocol/index.js';
import { silentLogger, type Logger } from './logger.js';
import { RoomPolicies } from './rooms/access.js';
import { chatRoutes, type ChatContext } from './rooms/chat-handlers.js';
import { dispatch, type Route } from './rooms/dispatch.js';
import { leaveRoom, roomRoutes, type SignalingIo } from './rooms/handlers.js';
import { hostRoutes, type HostContext } from './rooms/host-handlers.js';
import { PasscodeAttempts } from './rooms/passcode.js';
import { presenceRoutes } from './rooms/presence-handlers.js';
import { RoomRegistry } from './rooms/registry.js';
import { MemoryChatStore, type ChatStore } from './store/chat-store.js';

export interface SignalingDeps {
  now?: () => number;
  log?: Logger;
  /** Where chat history is kept; in memory when omitted. The server closes it on `close()`. */
  chat?: ChatStore;
}

type Context = ChatContext & HostContext;

const routes: Readonly<Record<string, Route<Context>>> = { ...roomRoutes, ...presenceRoutes, ...chatRoutes, ...hostRoutes };

export interface SignalingOptions {
  /** How often the server pings each client, and how long it waits for the pong: together they
   *  bound how long a participant whose app or network died stays visible to the others. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Browser origins allowed to connect; '*' allows any. Non-browser clients send no Origin. */
  allowedOrigins?: readonly string[] | '*';
}

export interface SignalingServer {
  io: SignalingIo;
  registry: RoomRegistry;
  /** Tells everyone in `room` (every room when omitted) that the meeting is over, then disconnects them. */
  endMeeting(ended: MeetingEnded, room?: string): void;
  /** Disconnects every client and detaches from the HTTP server (which it also closes). */
  close(): Promise<void>;
}

export const DEFAULT_PING_INTERVAL_MS = 3_000;
export const DEFAULT_PING_TIMEOUT_MS = 5_000;

/**
 * Attaches Roundtable's signaling to an HTTP(S) server that the caller owns and listens on.
 */
export function createSignalingServer(httpServer: HttpServer | HttpsServer, deps: SignalingDeps = {}, options: SignalingOptions = {}): SignalingServer {
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? Date.now;
  const registry = new RoomRegistry();
  const chat = deps.chat ?? new MemoryChatStore();
  const policies = new RoomPolicies();
  const attempts = new PasscodeAttempts(now);
  const allowed = options.allowedOrigins ?? '*';

  const io: SignalingIo = new Server(httpServer, {
    serveClient: false,
    pingInterval: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    pingTimeout: options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS,
    // Room for the largest payload plus Socket.IO framing; bigger frames close the connection.
    maxHttpBufferSize: LIMITS.maxPayloadBytes * 2,
    cors: { origin: allowed === '*' ? true : [...allowed] },
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, allowed === '*' || origin === undefined || allowed.includes(origin));
    },
  });

  io.on('connection', (socket) => {
    const ctx: Context = {
      io,
      socket,
      registry,
      policies,
      attempts,
      chat,
      now,
      endRoom: (room) => endMeeting({ reason: 'ended-by-host', message: 'The host ended the meeting for everyone.' }, room),
      protocolError: (event: string, error: ErrorBody) => socket.emit('protocol-error', { event, error }),
    };
    socket.onAny((event: unknown, ...args: unknown[]) => {
      void dispatch(routes, ctx, String(event), args, log);
    });
    socket.on('disconnect', (reason) => {
      leaveRoom(ctx, reason === 'ping timeout' ? 'timed-out' : 'disconnected');
    });
  });

  function endMeeting(ended: MeetingEnded, room?: string): void {
    const target = room === undefined ? io : io.in(room);
    target.emit('meeting-ended', ended);
    // Let the notice go out before the connections close.
    setTimeout(() => target.disconnectSockets(true), 100);
  }

  return {
    io,
    registry,
    endMeeting,
    close: () =>
      new Promise<void>(
        (resolve) =>
          void io.close(() => {
            chat.close();
            resolve();
          }),
      ),
  };
}
