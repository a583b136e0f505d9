import type { ChatHistory, ChatMessage } from '../protocol/index.js';
import { chatBytes, type AppendResult, type ChatUsage, type MeetingRecord, type NewChatMessage, type ServerStore } from './store.js';

/** Keeps everything in memory: for tests and for servers started without a data folder. */
export class MemoryStore implements ServerStore {
  private readonly chats = new Map<string, ChatMessage[]>();
  private readonly meetings = new Map<string, MeetingRecord>();

  async appendChat(instance: string, message: NewChatMessage): Promise<AppendResult> {
    const list = this.chats.get(instance) ?? [];
    this.chats.set(instance, list);
    const existing = list.find((m) => m.id === message.id);
    if (existing) return existing.from.id === message.from.id ? { stored: existing, duplicate: true } : { conflict: true };
    const stored: ChatMessage = { ...message, from: { ...message.from }, seq: list.length + 1 };
    list.push(stored);
    return { stored, duplicate: false };
  }

  async chatPage(instance: string, { before, limit }: { before?: number; limit: number }): Promise<ChatHistory> {
    const list = this.chats.get(instance) ?? [];
    const older = before === undefined ? list : list.filter((m) => m.seq < before);
    const messages = older.slice(-limit);
    return { messages, hasMore: older.length > messages.length };
  }

  async chatUsage(instance: string): Promise<ChatUsage> {
    const list = this.chats.get(instance) ?? [];
    return { messages: list.length, bytes: list.reduce((sum, m) => sum + chatBytes(m), 0) };
  }

  async saveMeeting(record: MeetingRecord): Promise<void> {
    this.meetings.set(record.instance, structuredClone(record));
  }

  async dropMeeting(instance: string): Promise<void> {
    this.meetings.delete(instance);
    this.chats.delete(instance);
  }

  async loadMeetings(): Promise<MeetingRecord[]> {
    return [...this.meetings.values()].map((record) => structuredClone(record));
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const record of [...this.meetings.values()]) {
      if (record.state === 'kept' && record.keepUntil !== null && record.keepUntil <= now) {
        await this.dropMeeting(record.instance);
        purged += 1;
      }
    }
    return purged;
  }

  async close(): Promise<void> {
    this.chats.clear();
    this.meetings.clear();
  }
}
