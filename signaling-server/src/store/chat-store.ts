import type { ChatHistory, ChatMessage } from '../protocol/index.js';

export interface NewChatMessage {
  id: string;
  from: { id: string; name: string };
  text: string;
  sentAt: number;
}

export type AppendResult = { stored: ChatMessage; duplicate: boolean } | { conflict: true };

/**
 * Where a meeting's chat lives. `append` is idempotent on (room, id): the same message sent twice
 * is stored once and returned both times; an id reused by someone else is a conflict.
 * It returns only after the message is durable, so an acknowledged message is never lost.
 */
export interface ChatStore {
  append(room: string, message: NewChatMessage): AppendResult;
  /** Messages of `room` older than `before` (or the newest), oldest first. */
  page(room: string, options: { before?: number; limit: number }): ChatHistory;
  close(): void;
}

/** Keeps chat in memory: for tests and for servers started without a data folder. */
export class MemoryChatStore implements ChatStore {
  private readonly rooms = new Map<string, ChatMessage[]>();

  append(room: string, message: NewChatMessage): AppendResult {
    const list = this.rooms.get(room) ?? [];
    this.rooms.set(room, list);
    const existing = list.find((m) => m.id === message.id);
    if (existing) return existing.from.id === message.from.id ? { stored: existing, duplicate: true } : { conflict: true };
    const stored: ChatMessage = { ...message, from: { ...message.from }, seq: list.length + 1 };
    list.push(stored);
    return { stored, duplicate: false };
  }

  page(room: string, { before, limit }: { before?: number; limit: number }): ChatHistory {
    const list = this.rooms.get(room) ?? [];
    const older = before === undefined ? list : list.filter((m) => m.seq < before);
    const messages = older.slice(-limit);
    return { messages, hasMore: older.length > messages.length };
  }

  close(): void {
    this.rooms.clear();
  }
}
