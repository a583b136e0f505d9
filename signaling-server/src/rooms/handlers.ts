import { type ParticipantLeft } from '../protocol/index.js';
import type { RoomContext } from './context.js';
import { defineRoutes, fail, ok } from './dispatch.js';
import { join } from './join.js';
import { endIfEmpty, finishMeeting, handHostTo, persist, startGrace } from './lifecycle.js';
import { NOT_IN_ROOM, notifyHostOfWaiting } from './membership.js';
import { mediaChanged, memberGone } from './media-route.js';

export type { RoomContext, SignalingIo, SignalingSocket } from './context.js';

/** The meeting events: join (through the meeting's access rules), leave, the WebRTC relay, media state. */
export const roomRoutes = defineRoutes<RoomContext>()({
  join,

  leave: (_request, ctx) => (leaveRoom(ctx, 'left') ? ok() : NOT_IN_ROOM),

  signal: (request, { io, socket, registry }) => {
    const sender = registry.bySocketId(socket.id);
    if (!sender) return NOT_IN_ROOM;
    if (request.to === sender.id) return fail('invalid-payload', 'a participant cannot signal themselves');
    const target = registry.member(sender.room, request.to);
    if (!target) return fail('not-found', `nobody with id "${request.to}" is in your meeting`);
    const { to: _to, ...body } = request;
    io.to(target.socketId).emit('signal', { from: sender.id, ...body });
    return ok();
  },

  media: (media, ctx) => {
    const member = ctx.registry.setMedia(ctx.socket.id, media);
    if (!member) return NOT_IN_ROOM;
    ctx.broadcast.changed(member);
    mediaChanged(ctx, member);
    return ok();
  },

  'ice-servers': (_request, ctx) => {
    const member = ctx.registry.bySocketId(ctx.socket.id);
    if (!member) return NOT_IN_ROOM;
    return ok({ iceServers: ctx.iceServersFor(member.id) });
  },
});

/**
 * Takes the socket's participant (or waiting person) out and tells the others; false if it was in
 * no meeting. A host who only lost their connection keeps the role, and the meeting its rules, for
 * a while; one who left hands it on. A meeting nobody is in (or coming back to) ends.
 */
export function leaveRoom(ctx: RoomContext, reason: ParticipantLeft['reason']): boolean {
  const { io, socket, registry, meetings } = ctx;
  if (meetings.leaveLobby(socket.id)) return true;
  const waiting = meetings.waiterBySocket(socket.id);
  if (waiting) {
    meetings.removeWaiter(waiting.meeting, waiting.waiter.id);
    ctx.journal.waited(waiting.meeting, waiting.waiter, 'left');
    notifyHostOfWaiting(ctx, waiting.meeting);
    return true;
  }
  const member = registry.leave(socket.id);
  if (!member) return false;
  const { room } = member;
  ctx.broadcast.forget(room, member.id);
  // A member replaced by the same person on a new connection left nothing behind.
  if (!registry.member(room, member.id)) ctx.cluster.dropMember(room, member.id);
  void socket.leave(room);
  // The server is stopping (a restart, Ctrl-C): everyone's connection closes now, and nobody left.
  // Telling the others would remove them from each other's screens for the whole outage, which a
  // crash does not do; they are all back, as they were, when the server is.
  if (ctx.closing) return true;
  io.to(room).emit('participant-left', { id: member.id, reason });
  const meeting = meetings.get(room);
  if (!meeting) return true;
  ctx.journal.left(meeting, member.id);
  const deliberate = reason === 'left' || reason === 'removed';
  memberGone(ctx, meeting, member.id, deliberate);
  if (deliberate && meeting.allowed.delete(member.id)) persist(ctx, meeting);
  if (member.id !== meeting.hostId) {
    endIfEmpty(ctx, meeting);
  } else if (!deliberate) {
    // The host may be back in a moment (a network blip, a reload): the role and the rules wait,
    // even if everyone else leaves meanwhile.
    startGrace(ctx, meeting, ctx.hostGraceMs);
  } else if (registry.members(room).length > 0) {
    handHostTo(ctx, meeting);
  } else if (meeting.grace === undefined) {
    finishMeeting(ctx, meeting);
  }
  return true;
}
