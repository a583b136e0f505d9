import { EmptyRequestSchema, HostSettingsSchema, TargetRequestSchema, type HostNotice } from '../protocol/index.js';
import type { RoomPolicy } from './access.js';
import { fail, ok, route, type Reply, type Route } from './dispatch.js';
import { enterRoom, handHostTo, leaveRoom, notifyHostOfWaiting, type RoomContext } from './handlers.js';
import { hashPasscode } from './passcode.js';
import { toParticipant, type Member } from './registry.js';

export interface HostContext extends RoomContext {
  /** Ends the meeting in `room` for everyone (see SignalingServer.endMeeting). */
  endRoom(room: string): void;
}

type HostCheck = { host: Member; policy: RoomPolicy } | { refused: Reply };

/** Only the meeting's host passes; everyone else is refused and nothing happens. */
function asHost({ socket, registry, policies }: RoomContext, action: string): HostCheck {
  const host = registry.bySocketId(socket.id);
  if (!host) return { refused: fail('not-in-room', 'join a meeting first') };
  const policy = policies.get(host.room);
  if (!policy || policy.hostId !== host.id) return { refused: fail('forbidden', `only the host can ${action}`) };
  return { host, policy };
}

function targetMember(ctx: RoomContext, host: Member, id: string): Member | Reply {
  if (id === host.id) return fail('invalid-payload', 'the host cannot do that to themselves');
  return ctx.registry.member(host.room, id) ?? fail('not-found', `nobody with id "${id}" is in your meeting`);
}

const isMember = (value: Member | Reply): value is Member => !('ok' in value);

function notify(ctx: RoomContext, member: Member, notice: HostNotice): void {
  ctx.io.to(member.socketId).emit('host-notice', notice);
}

/** Sends someone out with a message, then closes their connection once it is on its way. */
function sendAway(ctx: RoomContext, socketId: string, reason: 'denied' | 'removed', message: string): void {
  const socket = ctx.io.sockets.sockets.get(socketId);
  if (!socket) return;
  socket.emit('sent-away', { reason, message });
  setTimeout(() => socket.disconnect(true), 200).unref?.();
}

/** The host's controls. Every one is checked here, on the server: the UI only hides them. */
export const hostRoutes: Record<string, Route<HostContext>> = {
  'host-settings': route(HostSettingsSchema, async (settings, ctx): Promise<Reply> => {
    const check = asHost(ctx, 'change the meeting settings');
    if ('refused' in check) return check.refused;
    const { host, policy } = check;
    if (settings.locked !== undefined) policy.locked = settings.locked;
    if (settings.waitingRoom !== undefined) policy.waitingRoom = settings.waitingRoom;
    if (settings.passcode !== undefined) policy.passcode = settings.passcode === null ? null : await hashPasscode(settings.passcode);
    // Turning the waiting room off lets whoever waits in.
    if (settings.waitingRoom === false) admitEveryone(ctx, host.room);
    const room = ctx.policies.settings(host.room);
    ctx.io.to(host.room).emit('room-settings', room);
    return ok({ room });
  }),

  admit: route(TargetRequestSchema, ({ id }, ctx) => {
    const check = asHost(ctx, 'let people in');
    if ('refused' in check) return check.refused;
    return admit(ctx, check.host.room, id) ? ok() : fail('not-found', `nobody with id "${id}" is waiting`);
  }),

  'admit-all': route(EmptyRequestSchema, (_request, ctx) => {
    const check = asHost(ctx, 'let people in');
    if ('refused' in check) return check.refused;
    admitEveryone(ctx, check.host.room);
    return ok();
  }),

  deny: route(TargetRequestSchema, ({ id }, ctx) => {
    const check = asHost(ctx, 'turn people away');
    if ('refused' in check) return check.refused;
    const waiter = ctx.policies.removeWaiter(check.host.room, id);
    if (!waiter) return fail('not-found', `nobody with id "${id}" is waiting`);
    sendAway(ctx, waiter.socketId, 'denied', 'The host did not let you into the meeting.');
    notifyHostOfWaiting(ctx, check.host.room);
    return ok();
  }),

  'ask-unmute': route(TargetRequestSchema, ({ id }, ctx) => {
    const check = asHost(ctx, 'ask people to unmute');
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    notify(ctx, target, { kind: 'ask-unmute', by: check.host.name });
    return ok();
  }),

  mute: route(TargetRequestSchema, ({ id }, ctx) => {
    const check = asHost(ctx, 'mute people');
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    target.media = { ...target.media, audio: false };
    ctx.io.to(target.room).emit('participant-updated', toParticipant(target));
    notify(ctx, target, { kind: 'muted', by: check.host.name });
    return ok();
  }),

  'stop-video': route(TargetRequestSchema, ({ id }, ctx) => {
    const check = asHost(ctx, "stop people's video");
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    target.media = { ...target.media, video: false };
    ctx.io.to(target.room).emit('participant-updated', toParticipant(target));
    notify(ctx, target, { kind: 'video-stopped', by: check.host.name });
    return ok();
  }),

  remove: route(TargetRequestSchema, ({ id }, ctx) => {
    const check = asHost(ctx, 'remove people');
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    const socket = ctx.io.sockets.sockets.get(target.socketId);
    if (socket) leaveRoom({ ...ctx, socket }, 'removed');
    sendAway(ctx, target.socketId, 'removed', `${check.host.name} removed you from the meeting.`);
    return ok();
  }),

  'make-host': route(TargetRequestSchema, ({ id }, ctx) => {
    const check = asHost(ctx, 'hand the host role on');
    if ('refused' in check) return check.refused;
    const target = targetMember(ctx, check.host, id);
    if (!isMember(target)) return target;
    handHostTo(ctx, check.host.room, target.id);
    return ok();
  }),

  'end-meeting': route(EmptyRequestSchema, (_request, ctx) => {
    const check = asHost(ctx, 'end the meeting');
    if ('refused' in check) return check.refused;
    ctx.endRoom(check.host.room);
    return ok();
  }),
};

/** Lets one waiting person in; false if they are not waiting (or gone). */
function admit(ctx: RoomContext, room: string, id: string): boolean {
  const waiter = ctx.policies.removeWaiter(room, id);
  if (!waiter) return false;
  const socket = ctx.io.sockets.sockets.get(waiter.socketId);
  if (socket) {
    const reply = enterRoom(ctx, socket, room, { id: waiter.id, session: waiter.session, name: waiter.name, media: waiter.media });
    socket.emit('admitted', reply);
  }
  notifyHostOfWaiting(ctx, room);
  return socket !== undefined;
}

function admitEveryone(ctx: RoomContext, room: string): void {
  for (const person of ctx.policies.waitingList(room)) admit(ctx, room, person.id);
}
