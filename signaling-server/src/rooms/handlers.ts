import type { Server, Socket } from 'socket.io';
import {
  EmptyRequestSchema,
  JoinRequestSchema,
  MediaStateSchema,
  PROTOCOL_VERSION,
  SignalRequestSchema,
  type IceServer,
  type JoinedReply,
  type MediaState,
  type ParticipantLeft,
  type ServerToClientEvents,
} from '../protocol/index.js';
import type { RoomPolicies } from './access.js';
import { fail, ok, route, type DispatchTarget, type Reply, type Route } from './dispatch.js';
import { participantIdFromSecret } from './identity.js';
import { hashPasscode, verifyPasscode, type PasscodeAttempts } from './passcode.js';
import { toParticipant, type Member, type RoomRegistry } from './registry.js';

export type SignalingIo = Server<Record<string, never>, ServerToClientEvents>;
export type SignalingSocket = Socket<Record<string, never>, ServerToClientEvents>;

export interface RoomContext extends DispatchTarget {
  io: SignalingIo;
  socket: SignalingSocket;
  registry: RoomRegistry;
  policies: RoomPolicies;
  attempts: PasscodeAttempts;
  now: () => number;
  /** The STUN/TURN servers a participant gets when they enter (TURN credentials made for them). */
  iceServersFor: (participantId: string) => IceServer[];
}

/** How long a host who lost their connection keeps the role before it passes on. */
export const HOST_GRACE_MS = 30_000;

const NOT_IN_ROOM = fail('not-in-room', 'join a meeting first');

/** Whoever enters a room: a new member, or one the host let in from the waiting room. */
export interface Entrant {
  id: string;
  session: string;
  name: string;
  media: MediaState;
}

/**
 * Puts a socket's participant into the room, tells the others, and returns what they need to
 * start: themselves, who is there, the room's rules.
 */
export function enterRoom(
  ctx: Pick<RoomContext, 'io' | 'registry' | 'policies' | 'now' | 'iceServersFor'>,
  socket: SignalingSocket,
  room: string,
  entrant: Entrant,
): JoinedReply {
  const { io, registry, policies, now } = ctx;
  const previous = registry.member(room, entrant.id);
  const policy = policies.get(room);
  const member: Member = {
    ...entrant,
    joinedAt: previous?.joinedAt ?? now(),
    hand: previous?.hand ?? null,
    recording: previous?.recording ?? false,
    host: policy?.hostId === entrant.id,
    room,
    socketId: socket.id,
  };
  policy?.allowed.add(entrant.id);
  if (policy && member.host) clearTimeout(policy.hostGrace);
  const { replaced } = registry.join(member);
  // The same person on a new connection: the old one is closed without telling the room they left.
  if (replaced) io.sockets.sockets.get(replaced.socketId)?.disconnect(true);
  void socket.join(room);
  socket.to(room).emit('participant-joined', toParticipant(member));
  if (member.host) socket.emit('waiting-list', { waiting: policies.waitingList(room) });
  return {
    self: toParticipant(member),
    participants: registry
      .members(room)
      .filter((m) => m.id !== entrant.id)
      .map(toParticipant),
    room: policies.settings(room),
    ...iceServersOf(ctx, entrant.id),
  };
}

function iceServersOf(ctx: Pick<RoomContext, 'iceServersFor'>, id: string): { iceServers?: IceServer[] } {
  const iceServers = ctx.iceServersFor(id);
  return iceServers.length > 0 ? { iceServers } : {};
}

/** The meeting events: join (through the meeting's access rules), leave, the WebRTC relay, media state. */
export const roomRoutes: Record<string, Route<RoomContext>> = {
  join: route(JoinRequestSchema, async (request, ctx): Promise<Reply> => {
    const { socket, registry, policies, attempts } = ctx;
    if (request.protocol !== PROTOCOL_VERSION) {
      return fail('version-mismatch', `this server speaks protocol ${PROTOCOL_VERSION} and the app ${request.protocol}; update the older one`);
    }
    const busy = (): boolean => registry.bySocketId(socket.id) !== undefined || policies.waiterBySocket(socket.id) !== undefined;
    if (busy()) return fail('already-in-room', 'this connection is already in a meeting; leave it first');

    const id = participantIdFromSecret(request.secret);
    const { room } = request;
    const entrant: Entrant = { id, session: request.session, name: request.name, media: request.media };
    let policy = policies.get(room);

    if (!policy) {
      // A new meeting: its first participant hosts it, with the rules they asked for.
      policy = policies.create(room, id);
      policy.waitingRoom = request.create?.waitingRoom ?? false;
      if (request.create?.passcode) policy.passcode = await hashPasscode(request.create.passcode);
      if (busy()) return fail('already-in-room', 'this connection is already in a meeting; leave it first');
      return ok(enterRoom(ctx, socket, room, entrant));
    }

    if (!policy.allowed.has(id)) {
      if (policy.locked) return fail('locked', 'the meeting is locked: the host is not letting anyone else in');
      if (policy.passcode) {
        if (!request.passcode) return fail('passcode-required', 'this meeting needs a passcode');
        const key = `${room}|${socket.handshake.address}`;
        const wait = attempts.retryAfter(key);
        if (wait > 0) return fail('rate-limited', `too many wrong passcodes: try again in ${Math.ceil(wait / 1000)} s`);
        if (!(await verifyPasscode(request.passcode, policy.passcode))) {
          const next = attempts.failed(key);
          return fail('passcode-wrong', `wrong passcode (next try in ${Math.ceil(next / 1000)} s)`);
        }
        attempts.succeeded(key);
      }
      // The meeting may have changed while the passcode was being checked.
      policy = policies.get(room);
      if (!policy) return fail('not-found', 'the meeting ended');
      if (busy()) return fail('already-in-room', 'this connection is already in a meeting; leave it first');
      if (policy.waitingRoom && policy.hostId !== id) {
        policies.addWaiter(room, { ...entrant, since: ctx.now(), socketId: socket.id });
        notifyHostOfWaiting(ctx, room);
        return ok({ waiting: true as const });
      }
    }
    return ok(enterRoom(ctx, socket, room, entrant));
  }),

  leave: route(EmptyRequestSchema, (_request, ctx) => {
    const waiting = ctx.policies.waiterBySocket(ctx.socket.id);
    if (waiting) {
      ctx.policies.removeWaiter(waiting.room, waiting.waiter.id);
      notifyHostOfWaiting(ctx, waiting.room);
      return ok();
    }
    return leaveRoom(ctx, 'left') ? ok() : NOT_IN_ROOM;
  }),

  signal: route(SignalRequestSchema, (request, { io, socket, registry }) => {
    const sender = registry.bySocketId(socket.id);
    if (!sender) return NOT_IN_ROOM;
    if (request.to === sender.id) return fail('invalid-payload', 'a participant cannot signal themselves');
    const target = registry.member(sender.room, request.to);
    if (!target) return fail('not-found', `nobody with id "${request.to}" is in your meeting`);
    const { to: _to, ...body } = request;
    io.to(target.socketId).emit('signal', { from: sender.id, ...body });
    return ok();
  }),

  media: route(MediaStateSchema, (media, { io, socket, registry }) => {
    const member = registry.setMedia(socket.id, media);
    if (!member) return NOT_IN_ROOM;
    io.to(member.room).emit('participant-updated', toParticipant(member));
    return ok();
  }),
};

/** Tells the host who is waiting now. */
export function notifyHostOfWaiting({ io, registry, policies }: Pick<RoomContext, 'io' | 'registry' | 'policies'>, room: string): void {
  const hostId = policies.get(room)?.hostId;
  const host = hostId ? registry.member(room, hostId) : undefined;
  if (host) io.to(host.socketId).emit('waiting-list', { waiting: policies.waitingList(room) });
}

/** Gives the host role to `id` (or to whoever has been there longest) and tells everyone. */
export function handHostTo(ctx: Pick<RoomContext, 'io' | 'registry' | 'policies'>, room: string, id?: string): void {
  const { io, registry, policies } = ctx;
  const policy = policies.get(room);
  if (!policy) return;
  clearTimeout(policy.hostGrace);
  const next = id !== undefined ? registry.member(room, id) : registry.members(room)[0];
  const previous = policy.hostId ? registry.member(room, policy.hostId) : undefined;
  policy.hostId = next?.id ?? null;
  for (const member of [previous, next]) {
    if (!member) continue;
    member.host = member.id === policy.hostId;
    io.to(room).emit('participant-updated', toParticipant(member));
  }
  io.to(room).emit('room-settings', policies.settings(room));
  if (next) io.to(next.socketId).emit('waiting-list', { waiting: policies.waitingList(room) });
}

/**
 * Takes the socket's participant (or waiting person) out and tells the others; false if it was in
 * neither. A host who only lost their connection keeps the role for a while; one who left hands it on.
 */
export function leaveRoom(ctx: RoomContext, reason: ParticipantLeft['reason']): boolean {
  const { io, socket, registry, policies } = ctx;
  const waiting = policies.waiterBySocket(socket.id);
  if (waiting) {
    policies.removeWaiter(waiting.room, waiting.waiter.id);
    notifyHostOfWaiting(ctx, waiting.room);
    return true;
  }
  const member = registry.leave(socket.id);
  if (!member) return false;
  const { room } = member;
  void socket.leave(room);
  io.to(room).emit('participant-left', { id: member.id, reason });
  const policy = policies.get(room);
  if (!policy) return true;
  if (reason === 'left' || reason === 'removed') policy.allowed.delete(member.id);
  const hostLostConnection = member.id === policy.hostId && reason !== 'left' && reason !== 'removed';
  if (hostLostConnection) {
    // The host may be back in a moment (a network blip, a reload): the role and the rules wait.
    clearTimeout(policy.hostGrace);
    policy.hostGrace = setTimeout(() => {
      if (policies.get(room) !== policy || registry.member(room, member.id)) return;
      if (registry.members(room).length > 0) handHostTo(ctx, room);
      else closeRoom(ctx, room);
    }, HOST_GRACE_MS);
    policy.hostGrace.unref?.();
  } else if (registry.members(room).length === 0) {
    closeRoom(ctx, room);
  } else if (member.id === policy.hostId) {
    handHostTo(ctx, room);
  }
  return true;
}

/** Nobody is left to let anyone in: whoever waits is told, and the meeting's rules go. */
function closeRoom({ io, policies }: Pick<RoomContext, 'io' | 'policies'>, room: string): void {
  const policy = policies.drop(room);
  for (const waiter of policy?.waiting.values() ?? []) {
    io.to(waiter.socketId).emit('sent-away', { reason: 'denied', message: 'The meeting ended before the host let you in.' });
    io.sockets.sockets.get(waiter.socketId)?.disconnect(true);
  }
}
