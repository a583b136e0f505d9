import { LIMITS } from '../protocol/index.js';
import { TokenBucket } from '../limits/index.js';
import { chatBytes } from '../store/store.js';
import type { ChatLimits, RoomContext } from './context.js';
import { defineRoutes, fail, ok, type Reply } from './dispatch.js';
import { NOT_IN_ROOM } from './membership.js';

/** Each connection's chat budget (a burst, then so many a second). */
const budgets = new WeakMap<object, TokenBucket>();

function budgetOf(ctx: RoomContext): TokenBucket {
  let budget = budgets.get(ctx.socket);
  if (!budget) budgets.set(ctx.socket, (budget = new TokenBucket(ctx.chatLimits.perSecond, ctx.chatLimits.burst, ctx.now)));
  return budget;
}

/** Each meeting's appends, one after another: messages are numbered (and posted) in the order they arrived. */
const appending = new Map<string, Promise<unknown>>();

/** Runs `work` after the meeting's earlier appends (chat messages and files alike). */
export function inOrder<T>(instance: string, work: () => Promise<T>): Promise<T> {
  const previous = appending.get(instance) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  appending.set(instance, settled);
  void settled.then(() => {
    if (appending.get(instance) === settled) appending.delete(instance);
  });
  return next;
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  perSecond: LIMITS.chatPerSecond,
  burst: LIMITS.chatBurst,
  maxMessagesPerMeeting: LIMITS.maxChatMessagesPerMeeting,
  maxBytesPerMeeting: LIMITS.maxChatBytesPerMeeting,
};

/**
 * Chat: stored with the meeting instance first, acknowledged once it is durable, then posted to
 * the room. Only people in that meeting read or write it.
 */
export const chatRoutes = defineRoutes<RoomContext>()({
  'chat-send': async ({ id, text }, ctx): Promise<Reply<'chat-send'>> => {
    const { io, socket, registry, meetings, store, now } = ctx;
    const sender = registry.bySocketId(socket.id);
    const meeting = sender && meetings.get(sender.room);
    if (!sender || !meeting) return NOT_IN_ROOM;
    const bytes = chatBytes({ text });
    const limits = ctx.chatLimits;
    if (!budgetOf(ctx).take()) return fail('rate-limited', `at most ${limits.perSecond} chat messages a second (bursts of ${limits.burst})`);
    if (meeting.chat.messages >= limits.maxMessagesPerMeeting || meeting.chat.bytes + bytes > limits.maxBytesPerMeeting) {
      return fail(
        'quota-exceeded',
        `this meeting's chat is full (${limits.maxMessagesPerMeeting} messages or ${Math.round(limits.maxBytesPerMeeting / 1024)} KB)`,
      );
    }
    // Counted before it is stored, so messages sent at the same moment cannot overshoot the quota.
    meeting.chat.messages += 1;
    meeting.chat.bytes += bytes;
    let result;
    try {
      result = await inOrder(meeting.instance, () =>
        store.appendChat(meeting.instance, { id, text, from: { id: sender.id, name: sender.name }, sentAt: now() }),
      );
    } finally {
      if (!result || 'conflict' in result || result.duplicate) {
        meeting.chat.messages -= 1;
        meeting.chat.bytes -= bytes;
      }
    }
    if ('conflict' in result) return fail('invalid-payload', `message id "${id}" belongs to another message`);
    // A resend of a stored message is acknowledged again but not posted twice, unless the node that
    // stored it died meanwhile, perhaps before posting it (meeting.inherited).
    const { inherited } = meeting;
    const repost = result.duplicate && inherited !== undefined && result.stored.seq <= inherited.upToSeq && !inherited.reposted.has(id);
    if (repost) inherited.reposted.add(id);
    if ((!result.duplicate || repost) && meetings.get(meeting.code) === meeting) io.to(meeting.code).emit('chat-message', result.stored);
    return ok({ message: result.stored });
  },

  'chat-history': async (request, { socket, registry, meetings, store }) => {
    const member = registry.bySocketId(socket.id);
    const meeting = member && meetings.get(member.room);
    if (!meeting) return NOT_IN_ROOM;
    return ok(await store.chatPage(meeting.instance, request));
  },
});
