import type { MeetingEnded } from '../protocol/index.js';
import type { ServerState } from './context.js';
import { toRecord, type Meeting } from './meetings.js';
import { toParticipant } from './registry.js';
import { meetingGone, restoredRoute } from './media-route.js';

/** How long a host who lost their connection keeps the role (and the meeting its rules, even empty). */
export const HOST_GRACE_MS = 30_000;
/** After a restart, how long a meeting that was running waits for its people to come back. */
export const RESTART_GRACE_MS = 60_000;
/** How often kept chats past their time are deleted. */
const PURGE_EVERY_MS = 60 * 60_000;

/** Writes the meeting's record (its rules and who may come back) to the store. */
export function persist(state: ServerState, meeting: Meeting): void {
  void toRecord(meeting)
    .then((record) => (state.meetings.get(meeting.code) === meeting ? state.store.saveMeeting(record) : undefined))
    .catch((error: unknown) => state.log.error(`could not save meeting ${meeting.instance}`, error));
}

/**
 * The meeting is over: out of memory, and out of the store, chat included, unless its host kept
 * it (then its record stays, as "kept", until the retention time runs out). Whoever is still in
 * it is told why and disconnected; whoever waits in its waiting room is sent away.
 */
export function finishMeeting(state: ServerState, meeting: Meeting, ended?: MeetingEnded): void {
  const { io, meetings, store, now } = state;
  if (meetings.get(meeting.code) !== meeting) return;
  meetings.drop(meeting.code);
  meetingGone(state, meeting);
  state.passcodes.forget(meeting.instance);
  void state.cluster.release(meeting.code).catch(() => undefined);
  if (ended) {
    // The code says why for the client to word; an embedder that gave only a reason gets it as the code.
    io.in(meeting.code).emit('meeting-ended', { ...ended, code: ended.code ?? ended.reason });
    // Let the notice go out before the connections close.
    setTimeout(() => io.in(meeting.code).disconnectSockets(true), 100).unref?.();
  }
  for (const waiter of meeting.waiting.values()) {
    state.journal.waited(meeting, waiter, 'left');
    io.to(waiter.socketId).emit('sent-away', { reason: 'denied', code: 'meeting-ended', message: 'The meeting ended before the host let you in.' });
    state.socketById(waiter.socketId)?.disconnect(true);
  }
  state.journal.finished(meeting);
  if (meeting.keepChat && meeting.hostId) {
    const hostId = meeting.hostId;
    void toRecord(meeting)
      .then((record) => {
        const kept = { ...record, allowed: [hostId], state: 'kept' as const, keepUntil: now() + state.chatRetentionMs };
        meetings.keep(kept);
        return store.saveMeeting(kept);
      })
      .catch((error: unknown) => state.log.error(`could not keep meeting ${meeting.instance}`, error));
  } else {
    void store.dropMeeting(meeting.instance).catch((error: unknown) => state.log.error(`could not delete meeting ${meeting.instance}`, error));
  }
}

/** Nobody is in the meeting: it ends, unless it is waiting for someone to come back (a grace). */
export function endIfEmpty(state: ServerState, meeting: Meeting): void {
  if (meeting.grace === undefined && state.registry.members(meeting.code).length === 0) finishMeeting(state, meeting);
}

/**
 * Gives the host role to `id` (or to whoever has been there longest), tells everyone, and tells
 * the new host who waits and who is banned.
 */
export function handHostTo(state: ServerState, meeting: Meeting, id?: string): void {
  const { io, registry, meetings } = state;
  clearTimeout(meeting.grace);
  meeting.grace = undefined;
  const next = id !== undefined ? registry.member(meeting.code, id) : registry.members(meeting.code)[0];
  const previous = meeting.hostId ? registry.member(meeting.code, meeting.hostId) : undefined;
  meeting.hostId = next?.id ?? null;
  state.journal.hostIs(meeting, meeting.hostId);
  for (const member of [previous, next]) {
    if (!member) continue;
    member.host = member.id === meeting.hostId;
    io.to(meeting.code).emit('participant-updated', toParticipant(member));
  }
  io.to(meeting.code).emit('room-settings', meetings.settings(meeting));
  if (next) {
    io.to(next.socketId).emit('waiting-list', { waiting: meetings.waitingList(meeting) });
    io.to(next.socketId).emit('ban-list', { banned: [...meeting.banned.values()] });
  }
  persist(state, meeting);
}

/**
 * The meeting goes on for `ms` without its host (or, after a restart, without anyone): if the host
 * is back by then nothing changed; otherwise the role passes to whoever has been there longest, or
 * the meeting ends when nobody is.
 */
export function startGrace(state: ServerState, meeting: Meeting, ms: number): void {
  clearTimeout(meeting.grace);
  meeting.grace = setTimeout(() => {
    meeting.grace = undefined;
    if (state.meetings.get(meeting.code) !== meeting) return;
    // In a cluster, a node out of touch may have lost the meeting: it decides once it has checked.
    if (!state.cluster.holdsLease()) return startGrace(state, meeting, 250);
    const hostBack = meeting.hostId !== null && state.registry.member(meeting.code, meeting.hostId) !== undefined;
    if (hostBack) return;
    if (state.registry.members(meeting.code).length > 0) handHostTo(state, meeting);
    else finishMeeting(state, meeting);
  }, ms);
  meeting.grace.unref?.();
}

/**
 * After a restart: the meetings that were running come back with their rules, their host and the
 * people let in, and wait `restartGraceMs` for them; kept meetings are honoured; expired ones go.
 */
export async function restoreMeetings(state: ServerState): Promise<void> {
  await state.store.purgeExpired(state.now());
  await state.journal.purgeExpired(state.now());
  for (const record of await state.store.loadMeetings()) {
    if (record.state === 'kept') {
      state.meetings.keep(record);
      continue;
    }
    const meeting = state.meetings.restore(record, await state.store.chatUsage(record.instance));
    await state.journal.restore(meeting, record.recordId);
    restoredRoute(state, meeting);
    startGrace(state, meeting, state.restartGraceMs);
  }
}

/** Deletes kept chats past their time, now and then; returns the function that stops it. */
export function purgeEveryHour(state: ServerState): () => void {
  const timer = setInterval(() => {
    const now = state.now();
    for (const record of state.meetings.keptRecords()) if (record.keepUntil !== null && record.keepUntil <= now) state.meetings.forgetKept(record.instance);
    void state.store.purgeExpired(now).catch((error: unknown) => state.log.error('could not delete expired chats', error));
    void state.journal.purgeExpired(now).catch((error: unknown) => state.log.error('could not delete expired meeting records', error));
  }, PURGE_EVERY_MS);
  timer.unref?.();
  return () => clearInterval(timer);
}
