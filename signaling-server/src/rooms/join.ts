import { type JoinRequestSchema, PROTOCOL_VERSION, type JoinRequest } from '../protocol/index.js';
import type { z } from 'zod';
import type { RoomContext } from './context.js';
import { fail, ok, type Handler, type Reply } from './dispatch.js';
import { enterRoom, notifyHostOfWaiting, type Entrant } from './membership.js';
import { participantIdFromSecret } from './identity.js';
import { finishMeeting, persist } from './lifecycle.js';
import type { Meeting } from './meetings.js';

type Join = z.output<typeof JoinRequestSchema>;

const ALREADY_IN = fail('already-in-room', 'this connection is already in a meeting; leave it first');
const TOO_MANY_TRIES = fail('rate-limited', 'too many meeting codes tried from this address: wait a minute');
const TOO_MANY_MEETINGS = fail('rate-limited', 'too many new meetings from this address: wait a minute');
const BUSY = fail('busy', 'the server is busy: try again in a moment');

/** Connections with a join under way (a passcode being hashed or checked): one at a time. */
const joining = new WeakSet<object>();

/**
 * `join`: into a running meeting through its rules, or starting one (`create`). A code nobody runs
 * is answered as a waiting room would answer (`{ waiting: true }`), so trying codes tells a
 * stranger nothing about which meetings exist; they are told (`host-arrived`) if it starts.
 */
export const join: Handler<'join', RoomContext> = async (request, ctx) => {
  if (request.protocol !== PROTOCOL_VERSION) {
    return fail('version-mismatch', `this server speaks protocol ${PROTOCOL_VERSION} and the app ${request.protocol}; update the older one`);
  }
  const { socket } = ctx;
  if (joining.has(socket) || inMeeting(ctx)) return ALREADY_IN;
  joining.add(socket);
  try {
    await ctx.ready;
    ctx.meetings.leaveLobby(socket.id);
    const entrant: Entrant = { id: participantIdFromSecret(request.secret), session: request.session, name: request.name, media: request.media };
    const meeting = ctx.meetings.get(request.room);
    return meeting ? await admit(ctx, meeting, entrant, request) : await startOrWait(ctx, entrant, request);
  } finally {
    joining.delete(socket);
  }
};

function inMeeting({ registry, meetings, socket }: RoomContext): boolean {
  return registry.bySocketId(socket.id) !== undefined || meetings.waiterBySocket(socket.id) !== undefined;
}

/** Nobody runs the code: start the meeting (if asked, and allowed), or wait for whoever will. */
async function startOrWait(ctx: RoomContext, entrant: Entrant, request: Join): Promise<Reply<'join'>> {
  const { meetings, addresses, address, store, socket } = ctx;
  const code = request.room;
  const kept = meetings.keptUnder(code);
  // A kept meeting is its host's: only they start it again.
  if (!request.create || (kept && kept.hostId !== entrant.id)) {
    if (!(await addresses.probe(address))) return TOO_MANY_TRIES;
    // Started meanwhile (the probe is counted across the cluster, which takes a moment).
    const started = meetings.get(code);
    if (started) return admit(ctx, started, entrant, request, true);
    meetings.enterLobby(code, socket.id);
    return ok({ waiting: true as const });
  }
  let meeting: Meeting;
  if (kept) {
    const usage = await store.chatUsage(kept.instance);
    const started = meetings.get(code);
    if (started) return admit(ctx, started, entrant, request);
    meeting = meetings.restore(kept, usage);
  } else {
    if (!(await addresses.create(address))) return TOO_MANY_MEETINGS;
    const started = meetings.get(code);
    if (started) return admit(ctx, started, entrant, request);
    meeting = meetings.create(code, entrant.id, ctx.now(), request.create);
    if (request.create.passcode) {
      // The meeting holds the hash being made: a join arriving meanwhile waits for it.
      const hashing = ctx.passcodes.hash(request.create.passcode);
      if (!hashing) {
        finishMeeting(ctx, meeting);
        return BUSY;
      }
      meeting.passcode = hashing;
      try {
        meeting.passcode = await hashing;
      } catch (error) {
        finishMeeting(ctx, meeting);
        throw error;
      }
      if (meetings.get(code) !== meeting) return fail('not-found', 'the meeting ended');
    }
  }
  persist(ctx, meeting);
  const reply = enterRoom(ctx, socket, meeting, entrant);
  for (const waiting of meetings.takeLobby(code)) ctx.io.to(waiting).emit('host-arrived', {});
  return ok(reply);
}

/**
 * A running meeting: its rules decide, in order: bans, people already let in, the lock, its size,
 * the passcode, the waiting room. While the meeting's passcode checks are paused (too many wrong
 * guesses, rooms/passcode.ts) a newcomer with a passcode goes to the waiting room unchecked.
 */
async function admit(ctx: RoomContext, meeting: Meeting, entrant: Entrant, request: Pick<JoinRequest, 'passcode'>, probed = false): Promise<Reply<'join'>> {
  const { meetings, registry, addresses, address, socket } = ctx;
  const { id } = entrant;
  if (meeting.banned.has(id)) return fail('banned', 'the host removed you from this meeting');
  // Someone let in before (a reconnect, a reload, a restart of the server) comes back as they were.
  if (meeting.allowed.has(id)) return ok(enterRoom(ctx, socket, meeting, entrant));
  if (!probed && !(await addresses.probe(address))) return TOO_MANY_TRIES;
  if (meetings.get(meeting.code) !== meeting) return fail('not-found', 'the meeting ended');
  if (meeting.banned.has(id)) return fail('banned', 'the host removed you from this meeting');
  if (meeting.locked) return fail('locked', 'the meeting is locked: the host is not letting anyone else in');
  const taken = registry.members(meeting.code).length + meeting.waiting.size + meeting.reserved;
  if (taken >= ctx.maxRoomSize) return fail('room-full', `the meeting is full: at most ${ctx.maxRoomSize} people can be in it`);
  // Past the meeting's cap on wrong guesses a passcode is not checked: the person waits for the host.
  let paused = false;
  if (meeting.passcode) {
    if (!request.passcode) return fail('passcode-required', 'this meeting needs a passcode');
    // The seat is held while the passcode is checked: joins checked at the same time cannot overfill the meeting.
    meeting.reserved += 1;
    let verdict;
    try {
      verdict = await ctx.passcodes.check(meeting.instance, address, request.passcode, meeting.passcode);
    } finally {
      meeting.reserved -= 1;
    }
    if (verdict.kind === 'refused') return fail(verdict.error.code, verdict.error.message, verdict.error.retryAfterMs);
    paused = verdict.kind === 'paused';
    // The meeting may have changed while the passcode was being checked.
    if (meetings.get(meeting.code) !== meeting) return fail('not-found', 'the meeting ended');
    if (meeting.banned.has(id)) return fail('banned', 'the host removed you from this meeting');
    if (meeting.locked) return fail('locked', 'the meeting is locked: the host is not letting anyone else in');
  }
  if (paused || (meeting.waitingRoom && meeting.hostId !== id)) {
    meetings.addWaiter(meeting, { ...entrant, since: ctx.now(), socketId: socket.id });
    notifyHostOfWaiting(ctx, meeting);
    return ok({ waiting: true as const });
  }
  return ok(enterRoom(ctx, socket, meeting, entrant));
}
