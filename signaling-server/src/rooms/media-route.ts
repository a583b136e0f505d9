import type { ServerState } from './context.js';
import { defineRoutes, fail, ok, type Refusal } from './dispatch.js';
import type { Meeting } from './meetings.js';
import type { RoomContext } from './context.js';
import type { Member } from './registry.js';
import type { SfuGateway } from './sfu-gateway.js';

export type { SfuGateway } from './sfu-gateway.js';

const NOT_IN_ROOM = fail('not-in-room', 'join a meeting first');

/** How long someone whose connection to the server dropped keeps their SFU connections (the media goes on meanwhile). */
export const SFU_KEEP_MS = 20_000;

/**
 * Who of each meeting publishes to this process's SFU. A meeting another node ran (its owner
 * died) or this process ran before a restart is a new Meeting here, with nobody in it: a member
 * coming back to it learns that their sending connection is gone (`held: false`).
 */
const publishing = new WeakMap<Meeting, Set<string>>();
const publishersOf = (meeting: Meeting): Set<string> => {
  let set = publishing.get(meeting);
  if (!set) publishing.set(meeting, (set = new Set()));
  return set;
};

/**
 * Moves a meeting to the SFU once it has `sfuFrom` people (it does not move back). Everyone else
 * is told (`media-route`); whoever just entered learns it from their join reply.
 */
export function updateRoute(state: ServerState, meeting: Meeting, entrantSocketId: string): void {
  if (meeting.route === 'sfu' || !state.sfu || state.sfuFrom === null) return;
  if (state.registry.members(meeting.code).length < state.sfuFrom) return;
  meeting.route = 'sfu';
  state.log.info(`meeting ${meeting.instance} moves to the SFU`);
  state.io.to(meeting.code).except(entrantSocketId).emit('media-route', { route: 'sfu' });
}

/** After a restart: a meeting that had reached the SFU's size is back on it (its people come back to it). */
export function restoredRoute(state: ServerState, meeting: Meeting): void {
  if (state.sfu && dueForSfu(state, meeting)) meeting.route = 'sfu';
}

/** Whether a meeting has reached the SFU's size: with the people in it now, or those it let in (a meeting restored after a restart). */
function dueForSfu(state: ServerState, meeting: Meeting): boolean {
  if (state.sfuFrom === null) return false;
  return state.registry.members(meeting.code).length >= state.sfuFrom || meeting.allowed.size >= state.sfuFrom;
}

/**
 * The SFU is ready. It starts alongside the server and can be ready after meetings began, or were
 * restored and rejoined after a restart (their people already on their way to the SFU, whose
 * requests were refused meanwhile): the meetings that have reached its size move to it now.
 */
export function sfuReady(state: ServerState): void {
  for (const meeting of state.meetings.all()) {
    if (meeting.route === 'sfu' || !dueForSfu(state, meeting)) continue;
    meeting.route = 'sfu';
    state.log.info(`meeting ${meeting.instance} moves to the SFU, now ready`);
    state.io.to(meeting.code).emit('media-route', { route: 'sfu' });
  }
}

/** What a member sends changed: a microphone the member (or the host) turned off is not forwarded by the SFU either. */
export function mediaChanged(state: ServerState, member: Member): void {
  const meeting = state.meetings.get(member.room);
  if (meeting?.route === 'sfu') state.sfu?.mute(meeting.instance, member.id, !member.media.audio);
}

/** Someone left the meeting: their SFU connections go at once if they meant it, else after a while (they may be back). */
export function memberGone(state: ServerState, meeting: Meeting, id: string, deliberate: boolean): void {
  const { sfu } = state;
  if (!sfu || meeting.route !== 'sfu') return;
  const leave = (): void => {
    publishersOf(meeting).delete(id);
    sfu.leave(meeting.instance, id);
  };
  if (deliberate) return leave();
  setTimeout(() => {
    if (!state.registry.member(meeting.code, id)) leave();
  }, SFU_KEEP_MS).unref?.();
}

/** The meeting ended: every SFU connection of it closes. */
export function meetingGone(state: ServerState, meeting: Meeting): void {
  if (meeting.route === 'sfu') state.sfu?.end(meeting.instance);
}

/** Relays the SFU's offers and layer requests to the member each is for (if still in that meeting instance). */
export function relaySfuEvents(state: ServerState, sfu: SfuGateway): void {
  const socketOf = (instance: string, id: string): string | undefined => {
    const meeting = state.meetings.byInstance(instance);
    return (meeting && state.registry.member(meeting.code, id))?.socketId;
  };
  sfu.onOffer(({ meeting, member, sdp, revision, fresh, tracks }) => {
    const socket = socketOf(meeting, member);
    if (socket) state.io.to(socket).emit('sfu-offer', { sdp, revision, fresh, tracks });
  });
  sfu.onLayers(({ meeting, member, slot, active }) => {
    const socket = socketOf(meeting, member);
    if (socket) state.io.to(socket).emit('sfu-layers', { slot, active });
  });
}

const NOT_ON_SFU = fail('forbidden', "this meeting's media does not go through the server");

/** The sender, in a meeting whose media goes through the SFU, or why not. */
function onSfu(ctx: RoomContext): { sfu: SfuGateway; meeting: Meeting; member: Member } | { refused: Refusal } {
  const member = ctx.registry.bySocketId(ctx.socket.id);
  if (!member) return { refused: NOT_IN_ROOM };
  const meeting = ctx.meetings.get(member.room);
  if (!meeting || meeting.route !== 'sfu' || !ctx.sfu) return { refused: NOT_ON_SFU };
  return { sfu: ctx.sfu, meeting, member };
}

/** The SFU's requests: only from a member of a meeting on the SFU, about themselves and their meeting. */
export const sfuRoutes = defineRoutes<RoomContext>()({
  'sfu-publish': async (offer, ctx) => {
    const where = onSfu(ctx);
    if ('refused' in where) return where.refused;
    const { sfu, meeting, member } = where;
    if (new Set(offer.slots.map((s) => s.slot)).size !== offer.slots.length) return fail('invalid-payload', 'each slot is sent once');
    try {
      const sdp = await sfu.publish(meeting.instance, member.id, offer);
      publishersOf(meeting).add(member.id);
      sfu.mute(meeting.instance, member.id, !member.media.audio);
      return ok({ sdp });
    } catch (error) {
      ctx.log.warn(`SFU refused ${member.id}'s offer: ${error instanceof Error ? error.message : String(error)}`);
      return fail('invalid-payload', 'the server could not use this offer');
    }
  },
  'sfu-subscribe': ({ resume }, ctx) => {
    const where = onSfu(ctx);
    if ('refused' in where) return where.refused;
    where.sfu.subscribe(where.meeting.instance, where.member.id, resume ?? false);
    return ok(resume ? { held: publishersOf(where.meeting).has(where.member.id) } : {});
  },
  'sfu-answer': ({ sdp, revision }, ctx) => {
    const where = onSfu(ctx);
    if ('refused' in where) return where.refused;
    where.sfu.answer(where.meeting.instance, where.member.id, sdp, revision);
    return ok();
  },
  'sfu-view': ({ views }, ctx) => {
    const where = onSfu(ctx);
    if ('refused' in where) return where.refused;
    // Views of people in the same meeting only (anyone else's id is dropped, not forwarded to the SFU).
    const present = views.filter((v) => v.from !== where.member.id && ctx.registry.member(where.meeting.code, v.from));
    where.sfu.view(where.meeting.instance, where.member.id, present);
    return ok();
  },
});
