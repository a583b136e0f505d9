import type { IceServer, JoinedReply, MediaState } from '../protocol/index.js';
import type { ServerState } from './context.js';
import type { MemberSocket } from './member-socket.js';
import { fail } from './dispatch.js';
import { persist } from './lifecycle.js';
import type { Meeting } from './meetings.js';
import { toParticipant, type Member } from './registry.js';
import { updateRoute } from './media-route.js';

export const NOT_IN_ROOM = fail('not-in-room', 'join a meeting first');

/** Whoever enters a room: a new member, or one the host let in from the waiting room. */
export interface Entrant {
  id: string;
  session: string;
  name: string;
  media: MediaState;
}

/**
 * Puts a socket's participant into the meeting, tells the others, and returns what they need to
 * start: themselves, who is there, the room's rules.
 */
export function enterRoom(state: ServerState, socket: MemberSocket, meeting: Meeting, entrant: Entrant): JoinedReply {
  const { registry, meetings, now } = state;
  const room = meeting.code;
  const previous = registry.member(room, entrant.id);
  const member: Member = {
    ...entrant,
    joinedAt: previous?.joinedAt ?? now(),
    hand: previous?.hand ?? null,
    recording: previous?.recording ?? false,
    host: meeting.hostId === entrant.id,
    room,
    socketId: socket.id,
  };
  const recordBefore = meeting.recordId;
  state.journal.joined(meeting, member);
  if (!meeting.allowed.has(entrant.id) || meeting.recordId !== recordBefore) {
    meeting.allowed.add(entrant.id);
    persist(state, meeting);
  }
  if (member.host) {
    clearTimeout(meeting.grace);
    meeting.grace = undefined;
  }
  const { replaced } = registry.join(member);
  state.cluster.saveMember(room, { ...member, node: state.nodeOf(socket.id) });
  // The same person on a new connection: the old one is closed without telling the room they left.
  if (replaced) state.socketById(replaced.socketId)?.disconnect(true);
  void socket.join(room);
  socket.to(room).emit('participant-joined', toParticipant(member));
  updateRoute(state, meeting, socket.id);
  if (member.host) {
    socket.emit('waiting-list', { waiting: meetings.waitingList(meeting) });
    socket.emit('ban-list', { banned: [...meeting.banned.values()] });
  }
  return {
    self: toParticipant(member),
    participants: registry
      .members(room)
      .filter((m) => m.id !== entrant.id)
      .map(toParticipant),
    room: meetings.settings(meeting),
    ...iceServersOf(state, entrant.id),
    route: meeting.route,
  };
}

function iceServersOf(state: Pick<ServerState, 'iceServersFor'>, id: string): { iceServers?: IceServer[] } {
  const iceServers = state.iceServersFor(id);
  return iceServers.length > 0 ? { iceServers } : {};
}

/** Tells the host who is waiting now. */
export function notifyHostOfWaiting({ io, registry, meetings }: ServerState, meeting: Meeting): void {
  const host = meeting.hostId ? registry.member(meeting.code, meeting.hostId) : undefined;
  if (host) io.to(host.socketId).emit('waiting-list', { waiting: meetings.waitingList(meeting) });
}
