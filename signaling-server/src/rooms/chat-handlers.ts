import { ChatHistoryRequestSchema, ChatSendSchema } from '../protocol/index.js';
import type { ChatStore } from '../store/chat-store.js';
import { fail, ok, route, type Route } from './dispatch.js';
import type { RoomContext } from './handlers.js';

export interface ChatContext extends RoomContext {
  chat: ChatStore;
}

const NOT_IN_ROOM = fail('not-in-room', 'join a meeting first');

/** Chat: stored first, acknowledged after it is durable, then posted to the room. */
export const chatRoutes: Record<string, Route<ChatContext>> = {
  'chat-send': route(ChatSendSchema, ({ id, text }, { io, socket, registry, chat, now }) => {
    const sender = registry.bySocketId(socket.id);
    if (!sender) return NOT_IN_ROOM;
    const result = chat.append(sender.room, { id, text, from: { id: sender.id, name: sender.name }, sentAt: now() });
    if ('conflict' in result) return fail('invalid-payload', `message id "${id}" belongs to another message`);
    // A resend of a stored message is acknowledged again but not posted twice.
    if (!result.duplicate) io.to(sender.room).emit('chat-message', result.stored);
    return ok({ message: result.stored });
  }),

  'chat-history': route(ChatHistoryRequestSchema, (request, { socket, registry, chat }) => {
    const member = registry.bySocketId(socket.id);
    if (!member) return NOT_IN_ROOM;
    return ok(chat.page(member.room, request));
  }),
};
