import type { RoomContext } from '../rooms/context.js';
import { defineRoutes, fail, ok } from '../rooms/dispatch.js';
import { participantIdFromSecret } from '../rooms/identity.js';
import { NOT_IN_ROOM } from '../rooms/membership.js';
import { toSummary, toView } from './journal.js';

/** Asked for a record one does not own: answered as if it did not exist (nothing is told about others' meetings). */
const NO_RECORD = fail('not-found', 'no such meeting record');

/**
 * The identities a request speaks for: the secrets it shows (a participant id is derived from each,
 * as at join), and the participant this connection is in a meeting as.
 */
function identities(ctx: RoomContext, secrets: readonly string[]): string[] {
  const ids = secrets.map(participantIdFromSecret);
  const member = ctx.registry.bySocketId(ctx.socket.id);
  if (member) ids.push(member.id);
  return ids;
}

const owns = (hostIds: readonly string[], ids: readonly string[]): boolean => hostIds.some((id) => ids.includes(id));

/**
 * Meeting records (records/journal.ts): what a participant's client measured, and the host's reads
 * and deletes. A record is only ever given to an identity that hosted its meeting.
 */
export const recordRoutes = defineRoutes<RoomContext>()({
  'meeting-stats': (stats, ctx) => {
    const member = ctx.registry.bySocketId(ctx.socket.id);
    if (!member) return NOT_IN_ROOM;
    const meeting = ctx.meetings.get(member.room);
    if (!meeting) return NOT_IN_ROOM;
    return ctx.journal.stats(meeting, member, stats) ? ok() : fail('rate-limited', 'one report every 10 seconds at most');
  },

  'meeting-record': async ({ id, secrets }, ctx) => {
    const ids = identities(ctx, secrets);
    let recordId = id;
    if (recordId === undefined) {
      const member = ctx.registry.bySocketId(ctx.socket.id);
      if (!member) return NOT_IN_ROOM;
      const meeting = ctx.meetings.get(member.room);
      if (!meeting || meeting.hostId !== member.id) return fail('forbidden', "only the host can read the meeting's record");
      recordId = ctx.journal.recordId(meeting);
    }
    const log = await ctx.journal.read(recordId);
    if (!log || !owns(log.hostIds, ids)) return NO_RECORD;
    return ok({ record: toView(log) });
  },

  'meeting-records': async ({ secrets }, ctx) => {
    const ids = identities(ctx, secrets);
    if (ids.length === 0) return ok({ meetings: [] });
    const logs = await ctx.journal.byHost(ids);
    return ok({ meetings: logs.map(toSummary) });
  },

  'delete-meeting-record': async ({ id, secrets }, ctx) => {
    const log = await ctx.journal.read(id);
    if (!log || !owns(log.hostIds, identities(ctx, secrets))) return NO_RECORD;
    if (!(await ctx.journal.delete(id))) return fail('forbidden', 'the meeting is still running: its record can be deleted once it ends');
    return ok();
  },
});
