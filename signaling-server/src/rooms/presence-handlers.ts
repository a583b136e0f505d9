import { LIMITS } from '../protocol/index.js';
import type { RoomContext } from './context.js';
import { defineRoutes, fail, ok } from './dispatch.js';
import { NOT_IN_ROOM } from './membership.js';

/** When each participant last reacted, for the rate limit (kept per connection). */
const recentReactions = new WeakMap<object, number[]>();

/** Raised hands, recording notices and reactions. */
export const presenceRoutes = defineRoutes<RoomContext>()({
  'raise-hand': ({ raised }, { socket, registry, broadcast, now }) => {
    const member = registry.bySocketId(socket.id);
    if (!member) return NOT_IN_ROOM;
    // Raising again keeps one's place in the queue.
    const hand = raised ? (member.hand ?? now()) : null;
    if (hand !== member.hand) {
      member.hand = hand;
      broadcast.changed(member);
    }
    return ok();
  },

  recording: ({ active }, { socket, registry, broadcast, meetings, journal }) => {
    const member = registry.bySocketId(socket.id);
    if (!member) return NOT_IN_ROOM;
    if (member.recording !== active) {
      member.recording = active;
      const meeting = meetings.get(member.room);
      if (meeting) journal.recording(meeting, member, active);
      broadcast.changed(member);
    }
    return ok();
  },

  react: ({ emoji }, { io, socket, registry, now }) => {
    const member = registry.bySocketId(socket.id);
    if (!member) return NOT_IN_ROOM;
    const at = now();
    const recent = (recentReactions.get(socket) ?? []).filter((t) => at - t < LIMITS.reactionWindowMs);
    if (recent.length >= LIMITS.maxReactions) {
      return fail('rate-limited', `at most ${LIMITS.maxReactions} reactions every ${LIMITS.reactionWindowMs / 1000} s`);
    }
    recentReactions.set(socket, [...recent, at]);
    io.to(member.room).emit('reaction', { from: member.id, emoji, at });
    return ok();
  },
});
