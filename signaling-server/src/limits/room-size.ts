import type { z } from 'zod';
import type { JoinRequestSchema } from '../protocol/index.js';
import type { RoomPolicies } from '../rooms/access.js';
import { fail, type Route } from '../rooms/dispatch.js';
import { participantIdFromSecret } from '../rooms/identity.js';
import type { RoomRegistry } from '../rooms/registry.js';

interface RoomSizeContext {
  registry: RoomRegistry;
  policies: RoomPolicies;
}

/**
 * The `join` route, refusing newcomers to a meeting that already holds `max` people (members and
 * people in its waiting room, so admitting someone never goes past it). Someone already there,
 * reconnecting, always gets back in.
 */
export function limitRoomSize<Ctx extends RoomSizeContext>(join: Route<Ctx>, max: number): Route<Ctx> {
  return {
    schema: join.schema,
    handle: (data: never, ctx: Ctx) => {
      const { room, secret } = data as z.output<typeof JoinRequestSchema>;
      const id = participantIdFromSecret(secret);
      const waiting = ctx.policies.waitingList(room);
      const present = ctx.registry.member(room, id) !== undefined || waiting.some((w) => w.id === id);
      if (!present && ctx.registry.members(room).length + waiting.length >= max) {
        return fail('room-full', `the meeting is full: at most ${max} people can be in it`);
      }
      return join.handle(data, ctx);
    },
  };
}
