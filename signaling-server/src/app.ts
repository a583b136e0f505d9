import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import { LIMITS, type ErrorBody, type MeetingEnded } from './protocol/index.js';
import { silentLogger, type Logger } from './logger.js';
import { ConnectionGuard, DEFAULT_CONNECTION_LIMITS, DEFAULT_MAX_ROOM_SIZE, isOriginAllowed, limitRoomSize, type ConnectionLimits } from './limits/index.js';
import { RoomPolicies } from './rooms/access.js';
import { chatRoutes, type ChatContext } from './rooms/chat-handlers.js';
import { dispatch, type Route } from './rooms/dispatch.js';
import { leaveRoom, roomRoutes, type SignalingIo } from './rooms/handlers.js';
import { hostRoutes, type HostContext } from './rooms/host-handlers.js';
import { PasscodeAttempts } from './rooms/passcode.js';
import { presenceRoutes } from './rooms/presence-handlers.js';
import { RoomRegistry } from './rooms/registry.js';
import { iceServersFor, validateIceConfig, type IceConfig } from './ice/ice-servers.js';
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
  /**
   * Browser origins allowed to connect besides pages this server served itself; '*' allows any.
   * Non-browser clients send no Origin.
   */
  allowedOrigins?: readonly string[] | '*';
  /** What one connection may send before it is refused, then dropped (limits/defaults.ts). */
  limits?: Partial<ConnectionLimits>;
  /** People in one meeting, waiting room included; newcomers beyond it get 'room-full'. */
  maxRoomSize?: number;
  /** STUN/TURN servers to hand out at join (across the internet); none by default (a LAN needs none). */
  ice?: IceConfig;
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
  const ice = validateIceConfig(options.ice ?? {});
  const limits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };
  const serverRoutes = { ...routes, join: limitRoomSize(routes.join!, options.maxRoomSize ?? DEFAULT_MAX_ROOM_SIZE) };

  const io: SignalingIo = new Server(httpServer, {
    serveClient: false,
    pingInterval: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    pingTimeout: options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS,
    // Room for the largest payload plus Socket.IO framing; bigger frames close the connection.
    maxHttpBufferSize: LIMITS.maxPayloadBytes * 2,
    cors: { origin: allowed === '*' ? true : [...allowed] },
    allowRequest: (req, callback) => callback(null, isOriginAllowed(req, allowed)),
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
      iceServersFor: (id) => iceServersFor(ice, id, now()),
      endRoom: (room) => endMeeting({ reason: 'ended-by-host', message: 'The host ended the meeting for everyone.' }, room),
      protocolError: (event: string, error: ErrorBody) => socket.emit('protocol-error', { event, error }),
    };
    // Every frame is paid for as it arrives; every event is admitted (or refused) before it is handled.
    const guard = new ConnectionGuard(limits, (why) => {
      log.warn(`dropped ${socket.handshake.address}: ${why}`);
      socket.disconnect(true);
    });
    socket.conn.on('packet', (packet: { type: string; data?: unknown }) => {
      if (packet.type === 'message') guard.frame(frameBytes(packet.data));
    });
    socket.onAny((event: unknown, ...args: unknown[]) => {
      void dispatch(serverRoutes, ctx, String(event), args, log, (name) => guard.admit(name));
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

function frameBytes(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
