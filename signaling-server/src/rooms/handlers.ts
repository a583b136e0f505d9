import type { Server, Socket } from 'socket.io';
import {
  EmptyRequestSchema,
  JoinRequestSchema,
  MediaStateSchema,
  PROTOCOL_VERSION,
  SignalRequestSchema,
  type JoinReply,
  type ParticipantLeft,
  type ServerToClientEvents,
} from '../protocol/index.js';
import { fail, ok, route, type DispatchTarget, type Route } from './dispatch.js';
import { participantIdFromSecret } from './identity.js';
import { toParticipant, type Member, type RoomRegistry } from './registry.js';

export type SignalingIo = Server<Record<string, never>, ServerToClientEvents>;
export type SignalingSocket = Socket<Record<string, never>, ServerToClientEvents>;

export interface RoomContext extends DispatchTarget {
  io: SignalingIo;
  socket: SignalingSocket;
  registry: RoomRegistry;
  now: () => number;
}

const NOT_IN_ROOM = fail('not-in-room', 'join a meeting first');

/** The meeting events: join, leave, and the WebRTC relay between two members of one room. */
export const roomRoutes: Record<string, Route<RoomContext>> = {
  join: route(JoinRequestSchema, (request, { io, socket, registry, now }) => {
    if (request.protocol !== PROTOCOL_VERSION) {
      return fail('version-mismatch', `this server speaks protocol ${PROTOCOL_VERSION} and the app ${request.protocol}; update the older one`);
    }
    if (registry.bySocketId(socket.id)) return fail('already-in-room', 'this connection is already in a meeting; leave it first');

    const id = participantIdFromSecret(request.secret);
    const previous = registry.member(request.room, id);
    const member: Member = {
      id,
      session: request.session,
      name: request.name,
      joinedAt: previous?.joinedAt ?? now(),
      media: request.media,
      hand: previous?.hand ?? null,
      recording: previous?.recording ?? false,
      room: request.room,
      socketId: socket.id,
    };
    const { replaced } = registry.join(member);
    if (replaced) {
      // The same person on a new connection: the old one is closed without telling the room they left.
      io.sockets.sockets.get(replaced.socketId)?.disconnect(true);
    }
    void socket.join(request.room);
    socket.to(request.room).emit('participant-joined', toParticipant(member));
    const reply: JoinReply = {
      self: toParticipant(member),
      participants: registry
        .members(request.room)
        .filter((m) => m.id !== id)
        .map(toParticipant),
    };
    return ok(reply);
  }),

  leave: route(EmptyRequestSchema, (_request, ctx) => {
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

/** Takes the socket's participant out of their room and tells the others; false if it was in none. */
export function leaveRoom({ io, socket, registry }: RoomContext, reason: ParticipantLeft['reason']): boolean {
  const member = registry.leave(socket.id);
  if (!member) return false;
  void socket.leave(member.room);
  io.to(member.room).emit('participant-left', { id: member.id, reason });
  return true;
}
