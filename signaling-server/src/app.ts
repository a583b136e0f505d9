import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { Server, type ServerOptions } from 'socket.io';
import { ServerMetrics } from './ops/metrics.js';
import { LIMITS, type MeetingEnded } from './protocol/index.js';
import { silentLogger, type Logger } from './logger.js';
import {
  AddressBook,
  clientAddress,
  ConnectionGuard,
  DEFAULT_ADDRESS_LIMITS,
  DEFAULT_CONNECTION_LIMITS,
  DEFAULT_MAX_ROOM_SIZE,
  DESKTOP_APP_ORIGIN,
  isOriginAllowed,
  ownHostNames,
  type AddressLimits,
  type ConnectionLimits,
} from './limits/index.js';
import { chatRoutes, DEFAULT_CHAT_LIMITS } from './rooms/chat-handlers.js';
import type { ChatLimits, RoomContext, ServerState, SignalingIo } from './rooms/context.js';
import { dispatch, type Route } from './rooms/dispatch.js';
import { roomRoutes } from './rooms/handlers.js';
import { SoloCluster, type Cluster } from './cluster/cluster.js';
import { MeetingRouter } from './cluster/routing.js';
import { hostRoutes } from './rooms/host-handlers.js';
import { relaySfuEvents, sfuReady, sfuRoutes, type SfuGateway } from './rooms/media-route.js';
import { finishMeeting, HOST_GRACE_MS, purgeEveryHour, RESTART_GRACE_MS, restoreMeetings } from './rooms/lifecycle.js';
import { MeetingBook } from './rooms/meetings.js';
import { DEFAULT_PASSCODE_LIMITS, PasscodeGate, type PasscodeLimits } from './rooms/passcode.js';
import { presenceRoutes } from './rooms/presence-handlers.js';
import { RoomRegistry } from './rooms/registry.js';
import { StateBroadcaster } from './rooms/broadcast.js';
import { iceServersFor, validateIceConfig, type IceConfig } from './ice/ice-servers.js';
import { MemoryStore } from './store/memory-store.js';
import { fileRoutes } from './files/handlers.js';
import { recordRoutes } from './records/handlers.js';
import { MeetingJournal } from './records/journal.js';
import { createFileHttpHandler } from './files/http.js';
import { DEFAULT_FILE_LIMITS, FileService, type FileLimits } from './files/service.js';
import type { ServerStore } from './store/store.js';

export interface SignalingDeps {
  now?: () => number;
  log?: Logger;
  /** This server's name in metrics (several nodes behind one proxy); the host name by default. */
  node?: string;
  /** Where chat and meeting records are kept; in memory when omitted. The server closes it on `close()`. */
  store?: ServerStore;
  /**
   * The nodes this server shares meetings with (RedisCluster, `--redis-url`); on its own by
   * default. The server closes it on `close()`.
   */
  cluster?: Cluster;
  /** Socket.IO's adapter for a cluster (the Redis streams adapter), so broadcasts reach every node. */
  adapter?: ServerOptions['adapter'];
  /** The selective forwarding unit (its own process, sfu/) that meetings move to from `sfuFrom` people. */
  sfu?: SfuGateway;
}

const routes: Readonly<Record<string, Route<RoomContext>>> = {
  ...roomRoutes,
  ...presenceRoutes,
  ...chatRoutes,
  ...fileRoutes,
  ...hostRoutes,
  ...sfuRoutes,
  ...recordRoutes,
};

export interface SignalingOptions {
  /** How often the server pings each client, and how long it waits for the pong: together they
   *  bound how long a participant whose app or network died stays visible to the others. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /**
   * Browser origins allowed to connect besides pages this server served itself (one of its own
   * names, at its port) and the desktop app; '*' allows any page (not for a server people use).
   */
  allowedOrigins?: readonly string[] | '*';
  /** Names this server is reached by besides its own (a public URL's host behind a proxy). */
  extraHostNames?: readonly string[];
  /** Behind one reverse proxy: the client's address comes from the last X-Forwarded-For entry. */
  trustProxy?: boolean;
  /** What one connection may send before it is refused, then dropped (limits/defaults.ts). */
  limits?: Partial<ConnectionLimits>;
  /** What one network address may do (connections, new meetings, codes tried). */
  addressLimits?: Partial<AddressLimits>;
  passcodeLimits?: Partial<PasscodeLimits>;
  /** People in one meeting, waiting room included; newcomers beyond it get 'room-full'. */
  maxRoomSize?: number;
  /** How long a meeting's chat is kept after it ends, when its host chose to keep it (default 30 days). */
  chatRetentionMs?: number;
  /** How much chat a participant may send, and a meeting hold (default: the protocol's LIMITS). */
  chatLimits?: Partial<ChatLimits>;
  /**
   * Files in the chat: the largest file (default 25 MB; each meeting's host may allow less; 0 turns
   * files off), what one meeting's files may add up to, uploads at once (files/service.ts).
   */
  files?: Partial<FileLimits>;
  /** How long a meeting's record is kept after it ends, for its host (default 30 days, like a kept chat). */
  recordRetentionMs?: number;
  /** How long a host who lost their connection keeps the role (default 30 s). */
  hostGraceMs?: number;
  /** After a restart, how long a meeting that was running waits for its people (default 60 s). */
  restartGraceMs?: number;
  /** STUN/TURN servers to hand out at join (across the internet); none by default (a LAN needs none). */
  ice?: IceConfig;
  /**
   * The meeting size at which its media moves to the SFU (`deps.sfu`): default 5; 0 = from the
   * start; null = never. Without an SFU (or in a cluster) every meeting stays a mesh.
   */
  sfuFrom?: number | null;
}

/** Meetings of this size move to the SFU unless the server says otherwise. */
export const DEFAULT_SFU_FROM = 5;

export interface SignalingServer {
  io: SignalingIo;
  registry: RoomRegistry;
  meetings: MeetingBook;
  /** Resolves once the meetings a restart interrupted are back (joins wait for it anyway). */
  ready: Promise<void>;
  /** Whether it can take meetings now: not stopping, meetings restored, the store (and in a cluster Redis) answering (for /readyz). */
  isReady(): Promise<boolean>;
  metrics: ServerMetrics;
  /** Meetings move to this SFU from now on (one that started before it was ready stays a mesh until it grows). */
  attachSfu(sfu: SfuGateway): void;
  /** Ends the meeting in `room` (every meeting when omitted) for everyone: they are told why and disconnected. */
  endMeeting(ended: MeetingEnded, room?: string): void;
  /**
   * Disconnects every client and detaches from the HTTP server (which it also closes). Meetings
   * do not end: with a lasting store they are there again when the server comes back.
   */
  close(): Promise<void>;
}

/**
 * How long a closing server lets its HTTP connections be before it cuts them: a request in
 * progress (a file being sent) gets this long to finish. A browser also opens connections ahead
 * of requests it may never send; Node's close waits for those for ever (a server stopped with
 * SIGTERM was seen to hang for minutes on one).
 */
export const CLOSE_GRACE_MS = 2_000;

export const DEFAULT_PING_INTERVAL_MS = 3_000;
export const DEFAULT_PING_TIMEOUT_MS = 5_000;
export const DEFAULT_CHAT_RETENTION_MS = 30 * 24 * 60 * 60_000;

/**
 * Attaches Roundtable's signaling to an HTTP(S) server that the caller owns and listens on.
 */
export function createSignalingServer(httpServer: HttpServer | HttpsServer, deps: SignalingDeps = {}, options: SignalingOptions = {}): SignalingServer {
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? Date.now;
  const registry = new RoomRegistry();
  const fileLimits: FileLimits = { ...DEFAULT_FILE_LIMITS, ...options.files };
  const meetings = new MeetingBook(fileLimits.maxFileBytes);
  let connections = 0;
  const metrics = new ServerMetrics(deps.node ?? hostname(), () => ({
    meetings: meetings.all().length,
    participants: meetings.all().reduce((sum, meeting) => sum + registry.members(meeting.code).length, 0),
    connections,
  }));
  const store = metrics.timed(deps.store ?? new MemoryStore());
  const cluster = deps.cluster ?? new SoloCluster();
  const allowed = options.allowedOrigins === '*' ? '*' : [DESKTOP_APP_ORIGIN, ...(options.allowedOrigins ?? [])];
  const ownNames = (): Set<string> => ownHostNames(options.extraHostNames);
  const trustProxy = options.trustProxy ?? false;
  const ice = validateIceConfig(options.ice ?? {});
  const limits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };
  const addresses = new AddressBook(
    { ...DEFAULT_ADDRESS_LIMITS, ...options.addressLimits },
    now,
    cluster.clustered ? (key, perSecond, burst) => cluster.take(key, perSecond, burst) : undefined,
  );

  const io: SignalingIo = new Server(httpServer, {
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
    serveClient: false,
    pingInterval: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    pingTimeout: options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS,
    // Room for the largest payload plus Socket.IO framing; bigger frames close the connection.
    maxHttpBufferSize: LIMITS.maxPayloadBytes * 2,
    // Cross-origin HTTP long-polling gets no CORS grant: the origin check below is the rule.
    cors: { origin: allowed === '*' ? true : [...allowed] },
    allowRequest: (req, callback) => {
      if (!isOriginAllowed(req, allowed, ownNames)) return callback('origin not allowed', false);
      if (!addresses.mayConnect(clientAddress(req, trustProxy))) return callback('too many connections from this address', false);
      callback(null, true);
    },
  });

  const state: ServerState = {
    io,
    registry,
    meetings,
    store,
    passcodes: new PasscodeGate(now, { ...DEFAULT_PASSCODE_LIMITS, ...options.passcodeLimits }, cluster.passcodeCounters),
    addresses,
    broadcast: new StateBroadcaster(io, now, (room, id) => registry.member(room, id)),
    now,
    log,
    maxRoomSize: options.maxRoomSize ?? DEFAULT_MAX_ROOM_SIZE,
    chatRetentionMs: options.chatRetentionMs ?? DEFAULT_CHAT_RETENTION_MS,
    chatLimits: { ...DEFAULT_CHAT_LIMITS, ...options.chatLimits },
    files: new FileService(fileLimits, store.files, now),
    journal: new MeetingJournal(store.records, now, options.recordRetentionMs ?? DEFAULT_CHAT_RETENTION_MS, log),
    hostGraceMs: options.hostGraceMs ?? HOST_GRACE_MS,
    restartGraceMs: options.restartGraceMs ?? RESTART_GRACE_MS,
    ready: Promise.resolve(),
    closing: false,
    iceServersFor: (id) => iceServersFor(ice, id, now()),
    cluster,
    socketById: (id) => io.sockets.sockets.get(id) ?? (cluster.clustered ? router.remote(id, 'unknown') : undefined),
    nodeOf: (id) => (io.sockets.sockets.has(id) ? cluster.nodeId : (router.knownNode(id) ?? 'unknown')),
    // Each node has an SFU of its own; a meeting's media goes through its owner's (every request of
    // the meeting, sfu-publish and the rest, runs on the node that owns it: cluster/routing.ts).
    sfu: deps.sfu ?? null,
    sfuFrom: options.sfuFrom === undefined ? DEFAULT_SFU_FROM : options.sfuFrom,
  };
  if (state.sfu) relaySfuEvents(state, state.sfu);
  serveFiles(httpServer, createFileHttpHandler(state, { allowed, ownNames, trustProxy }));
  const router = new MeetingRouter(state, cluster, routes, log);
  const routedRoutes = router.routed();
  let restored = false;
  // On its own, the server brings back what it ran before a restart; in a cluster, the meetings of a
  // node that stopped are taken over one by one, by whichever node is asked for them first.
  state.ready = (cluster.clustered ? Promise.resolve() : restoreMeetings(state)).then(
    () => {
      restored = true;
    },
    (error: unknown) => log.error('could not restore the meetings a restart interrupted', error),
  );
  const stopPurging = purgeEveryHour(state);

  io.on('connection', (socket) => {
    const address = clientAddress(socket.request, trustProxy);
    addresses.connected(address);
    connections += 1;
    const ctx: RoomContext = {
      ...state,
      socket,
      address,
      protocolError: (event, error) => socket.emit('protocol-error', { event, error }),
    };
    // `closing`, `ready` and `sfu` (attached once ready, see attachSfu) change after connections start: read them from the shared state.
    Object.defineProperties(ctx, {
      closing: { get: () => state.closing },
      ready: { get: () => state.ready },
      sfu: { get: () => state.sfu },
    });
    // Every frame is paid for as it arrives; every event is admitted (or refused) before it is handled.
    const guard = new ConnectionGuard(limits, (why) => {
      log.warn(`dropped ${address}: ${why}`);
      socket.disconnect(true);
    });
    socket.conn.on('packet', (packet: { type: string; data?: unknown }) => {
      if (packet.type === 'message') guard.frame(frameBytes(packet.data));
    });
    socket.onAny((event: unknown, ...args: unknown[]) => {
      void dispatch(
        routedRoutes,
        ctx,
        String(event),
        args,
        log,
        (name) => guard.admit(name),
        (name, result) => metrics.answered(name, result),
      );
    });
    socket.on('disconnect', (reason) => {
      connections -= 1;
      addresses.disconnected(address);
      void router.disconnected(ctx, reason === 'ping timeout' ? 'timed-out' : 'disconnected');
    });
  });

  return {
    io,
    registry,
    meetings: state.meetings,
    get ready() {
      return state.ready;
    },
    metrics,
    async isReady() {
      if (state.closing || !restored) return false;
      // In a cluster: Redis answers and this node holds its lease.
      if (!(await cluster.healthy())) return false;
      const answered = store.chatUsage('readiness-probe').then(
        () => true,
        () => false,
      );
      const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 1000).unref?.());
      return Promise.race([answered, timeout]);
    },
    attachSfu(sfu) {
      if (state.sfu) return;
      state.sfu = sfu;
      relaySfuEvents(state, sfu);
      sfuReady(state);
    },
    endMeeting(ended, room) {
      const ending = room === undefined ? state.meetings.all() : [state.meetings.get(room)].filter((m) => m !== undefined);
      for (const meeting of ending) finishMeeting(state, meeting, ended);
    },
    close: async () => {
      state.closing = true;
      stopPurging();
      const cut = setTimeout(() => httpServer.closeAllConnections(), CLOSE_GRACE_MS);
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      clearTimeout(cut);
      for (const meeting of state.meetings.all()) clearTimeout(meeting.grace);
      await state.ready;
      await state.journal.flush();
      router.close();
      await cluster.close();
      await store.close();
    },
  };
}

/**
 * The file endpoints (`/files/…`) on the HTTP server Socket.IO is attached to, ahead of whatever
 * else it serves (as Socket.IO does for its own path): they work wherever signaling does.
 */
function serveFiles(httpServer: HttpServer | HttpsServer, handle: ReturnType<typeof createFileHttpHandler>): void {
  const others = httpServer.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  httpServer.removeAllListeners('request');
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (handle(req, res)) return;
    for (const listener of others) listener.call(httpServer, req, res);
  });
}

function frameBytes(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
