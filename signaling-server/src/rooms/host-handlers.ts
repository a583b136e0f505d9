import { type HostNotice, type SentAway } from '../protocol/index.js';
import type { RoomContext } from './context.js';
import { mediaChanged } from './media-route.js';
import { defineRoutes, fail, ok, type Refusal, type Reply } from './dispatch.js';
import { leaveRoom } from './handlers.js';
import { finishMeeting, handHostTo, persist } from './lifecycle.js';
import type { Meeting } from './meetings.js';
import { enterRoom, notifyHostOfWaiting, NOT_IN_ROOM } from './membership.js';
import type { Member } from './registry.js';

type HostCheck = { host: Member; meeting: Meeting } | { refused: Refusal };

/** Only the meeting's host passes; everyone else is refused and nothing happens. */
function asHost({ socket, registry, meetings }: RoomContext, action: string): HostCheck {
  const host = registry.bySocketId(socket.id);
  if (!host) return { refused: NOT_IN_ROOM };
  const meeting = meetings.get(host.room);
  if (!meeting || meeting.hostId !== host.id) return { refused: fail('forbidden', `only the host can ${action}`) };
  return { host, meeting };
}

function targetMember(ctx: RoomContext, host: Member, id: string): Member | Refusal {
  if (id === host.id) return fail('invalid-payload', 'the host cannot do that to themselves');
  return ctx.registry.member(host.room, id) ?? fail('not-found', `nobody with id "${id}" is in your meeting`);
}

const isMember = (value: Member | Refusal): value is Member => !('ok' in value);

function notify(ctx: RoomContext, member: Member, notice: HostNotice): void {
  ctx.io.to(member.socketId).emit('host-notice', notice);
}

/** Sends someone out, saying why, then closes their connection once it is on its way. */
function sendAway(ctx: RoomContext, socketId: string, away: SentAway): void {
  const socket = ctx.socketById(socketId);
  if (!socket) return;
  socket.emit('sent-away', away);
  setTimeout(() => socket.disconnect(true), 200).unref?.();
}

function sendBanList(ctx: RoomContext, host: Member, meeting: Meeting): void {
  ctx.io.to(host.socketId).emit('ban-list', { banned: [...meeting.banned.values()] });
}

/** The host's controls. Every one is checked here, on the server: the UI only hides them. */
export const hostRoutes = defineRoutes<RoomContext>()({
  'host-settings': async (settings, ctx): Promise<Reply<'host-settings'>> => {
    const check = asHost(ctx, 'change the meeting settings');
    if ('refused' in check) return check.refused;
    const { meeting } = check;
    if (settings.maxFileBytes !== undefined && settings.maxFileBytes > ctx.meetings.fileCap) {
      return fail('invalid-payload', `"host-settings": maxFileBytes: this server takes files of at most ${ctx.meetings.fileCap} bytes`);
    }
    // The slow part first, so every change lands at once (or none does).
    let passcode = meeting.passcode;
    if (settings.passcode !== undefined) {
      const hashing = settings.passcode === null ? null : ctx.passcodes.hash(settings.passcode);
      if (settings.passcode !== null && !hashing) return fail('busy', 'the server is busy: try again in a moment');
      passcode = hashing ? await hashing : null;
      if (ctx.meetings.get(meeting.code) !== meeting || meeting.hostId !== check.host.id)
        return fail('forbidden', 'only the host can change the meeting settings');
    }
    meeting.passcode = passcode;
    if (settings.passcode !== undefined) ctx.passcodes.passcodeChanged(meeting.instance);
    if (settings.locked !== undefined) meeting.locked = settings.locked;
    if (settings.waitingRoom !== undefined) meeting.waitingRoom = settings.waitingRoom;
    if (settings.keepChat !== undefined) meeting.keepChat = settings.keepChat;
    if (settings.maxFileBytes !== undefined) meeting.maxFileBytes = settings.maxFileBytes;
    persist(ctx, meeting);
    // Turning the waiting room off lets whoever waits in.
    if (settings.waitingRoom === false) admitEveryone(ctx, meeting);
    const room = ctx.meetings.settings(meeting);
    ctx.io.to(meeting.code).emit('room-settings', room);
    return ok({ room });
  },

  admit: ({ id }, ctx) => {
    const check = asHost(ctx, 'let people in');
    if ('refused' in check) return check.refused;
    return admit(ctx, check.meeting, id) ? ok() : fail('not-found', `nobody with id "${id}" is waiting`);
  },

  'admit-all': (_request, ctx) => {
    const check = asHost(ctx, 'let people in');
    if ('refused' in check) return check.refused;
    admitEveryone(ctx, check.meeting);
    return ok();
  },

  deny: ({ id }, ctx) => {
    const check = asHost(ctx, 'turn people away');
    if ('refused' in check) return check.refused;
    const waiter = ctx.meetings.removeWaiter(check.meeting, id);
    if (!waiter) return fail('not-found', `nobody with id "${id}" is waiting`);
    ctx.journal.waited(check.meeting, waiter, 'denied');
    sendAway(ctx, waiter.socketId, { reason: 'denied', code: 'denied', message: 'The host did not let you into the meeting.' });
    notifyHostOfWaiting(ctx, check.meeting);
    return ok();
  },

  'ask-unmute': ({ id }, ctx) => {
    const check = asHost(ctx, 'ask people to unmute');
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    notify(ctx, target, { kind: 'ask-unmute', by: check.host.name });
    return ok();
  },

  mute: ({ id }, ctx) => {
    const check = asHost(ctx, 'mute people');
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    target.media = { ...target.media, audio: false };
    ctx.broadcast.changed(target);
    mediaChanged(ctx, target);
    notify(ctx, target, { kind: 'muted', by: check.host.name });
    return ok();
  },

  'stop-video': ({ id }, ctx) => {
    const check = asHost(ctx, "stop people's video");
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    target.media = { ...target.media, video: false };
    ctx.broadcast.changed(target);
    notify(ctx, target, { kind: 'video-stopped', by: check.host.name });
    return ok();
  },

  /** Removing is a ban: they stay out of this meeting (joining, reconnecting, waiting) until the host lifts it. */
  remove: ({ id }, ctx) => {
    const check = asHost(ctx, 'remove people');
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    const { meeting, host } = check;
    meeting.banned.set(target.id, { id: target.id, name: target.name, at: ctx.now() });
    const socket = ctx.socketById(target.socketId);
    if (socket) leaveRoom({ ...ctx, socket }, 'removed');
    else persist(ctx, meeting);
    sendAway(ctx, target.socketId, { reason: 'removed', code: 'removed', by: host.name, message: `${host.name} removed you from the meeting.` });
    sendBanList(ctx, host, meeting);
    return ok();
  },

  unban: ({ id }, ctx) => {
    const check = asHost(ctx, 'let removed people back');
    if ('refused' in check) return check.refused;
    if (!check.meeting.banned.delete(id)) return fail('not-found', `nobody with id "${id}" is banned`);
    persist(ctx, check.meeting);
    sendBanList(ctx, check.host, check.meeting);
    return ok();
  },

  'make-host': ({ id }, ctx) => {
    const check = asHost(ctx, 'hand the host role on');
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    handHostTo(ctx, check.meeting, target.id);
    return ok();
  },

  'end-meeting': (_request, ctx) => {
    const check = asHost(ctx, 'end the meeting');
    if ('refused' in check) return check.refused;
    finishMeeting(ctx, check.meeting, { reason: 'ended-by-host', code: 'ended-by-host', message: 'The host ended the meeting for everyone.' });
    return ok();
  },
});

/** Lets one waiting person in; false if they are not waiting (or gone). */
function admit(ctx: RoomContext, meeting: Meeting, id: string): boolean {
  const waiter = ctx.meetings.removeWaiter(meeting, id);
  if (!waiter) return false;
  const socket = ctx.socketById(waiter.socketId);
  ctx.journal.waited(meeting, waiter, socket ? 'admitted' : 'left');
  if (socket) {
    const reply = enterRoom(ctx, socket, meeting, { id: waiter.id, session: waiter.session, name: waiter.name, media: waiter.media });
    socket.emit('admitted', reply);
  }
  notifyHostOfWaiting(ctx, meeting);
  return socket !== undefined;
}

function admitEveryone(ctx: RoomContext, meeting: Meeting): void {
  for (const person of ctx.meetings.waitingList(meeting)) admit(ctx, meeting, person.id);
}
