import type { MediaState, Participant } from '../protocol/index.js';

/** A participant as the server knows them: the public view plus the socket that speaks for them. */
export interface Member extends Participant {
  room: string;
  socketId: string;
}

/**
 * Who is in which room. Pure bookkeeping: no sockets, no I/O, so every rule is testable alone.
 * A participant id is unique within a room; a socket is in at most one room.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Map<string, Member>>();
  private readonly bySocket = new Map<string, Member>();

  /** Adds `member`; if their id is already present (a reconnect), the old entry is replaced and returned. */
  join(member: Member): { replaced?: Member } {
    let room = this.rooms.get(member.room);
    if (!room) {
      room = new Map();
      this.rooms.set(member.room, room);
    }
    const replaced = room.get(member.id);
    if (replaced) this.bySocket.delete(replaced.socketId);
    room.set(member.id, member);
    this.bySocket.set(member.socketId, member);
    return replaced ? { replaced } : {};
  }

  /** Removes whoever `socketId` speaks for; returns them, or undefined if that socket is in no room. */
  leave(socketId: string): Member | undefined {
    const member = this.bySocket.get(socketId);
    if (!member) return undefined;
    this.bySocket.delete(socketId);
    const room = this.rooms.get(member.room);
    room?.delete(member.id);
    if (room && room.size === 0) this.rooms.delete(member.room);
    return member;
  }

  bySocketId(socketId: string): Member | undefined {
    return this.bySocket.get(socketId);
  }

  member(room: string, id: string): Member | undefined {
    return this.rooms.get(room)?.get(id);
  }

  /** Members of `room` in order of joining. */
  members(room: string): Member[] {
    return [...(this.rooms.get(room)?.values() ?? [])].sort((a, b) => a.joinedAt - b.joinedAt);
  }

  setMedia(socketId: string, media: MediaState): Member | undefined {
    const member = this.bySocket.get(socketId);
    if (member) member.media = media;
    return member;
  }

  roomCount(): number {
    return this.rooms.size;
  }

  /** A comparable picture of every room, for tests that check that bad input changed nothing. */
  snapshot(): Record<string, Participant[]> {
    const out: Record<string, Participant[]> = {};
    for (const room of [...this.rooms.keys()].sort()) out[room] = this.members(room).map(toParticipant);
    return out;
  }
}

export function toParticipant(member: Member): Participant {
  const { id, session, name, joinedAt, media, hand, recording, host } = member;
  return { id, session, name, joinedAt, media: { ...media }, hand, recording, host };
}
