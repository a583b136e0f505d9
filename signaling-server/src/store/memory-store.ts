import { randomBytes } from 'node:crypto';
import type { ChatHistory, ChatMessage } from '../protocol/index.js';
import { collect } from './file-store.js';
import {
  chatBytes,
  type AppendFileResult,
  type AppendResult,
  type ChatUsage,
  type FileQuota,
  type FileStore,
  type FileUsage,
  type MeetingLog,
  type MeetingRecord,
  type RecordStore,
  type NewChatMessage,
  type NewFileMessage,
  type ServerStore,
  type StoredFile,
} from './store.js';

/** Keeps everything in memory: for tests and for servers started without a data folder. */
export class MemoryStore implements ServerStore {
  private readonly chats = new Map<string, ChatMessage[]>();
  private readonly meetings = new Map<string, MeetingRecord>();
  /** Bytes written (appended or not), and the records of appended files, by instance then file id. */
  private readonly bytes = new Map<string, Map<string, Buffer>>();
  private readonly fileRecords = new Map<string, Map<string, StoredFile>>();
  private readonly key = randomBytes(32);
  private readonly logs = new Map<string, MeetingLog>();
  readonly records: RecordStore = {
    save: async (log) => {
      this.logs.set(log.id, structuredClone(log));
    },
    get: async (id) => {
      const log = this.logs.get(id);
      return log ? structuredClone(log) : null;
    },
    byHost: async (hostIds, limit) =>
      [...this.logs.values()]
        .filter((log) => log.hostIds.some((id) => hostIds.includes(id)))
        .sort((a, b) => b.startedAt - a.startedAt)
        .slice(0, limit)
        .map((log) => structuredClone(log)),
    recent: async (limit) =>
      [...this.logs.values()]
        .sort((a, b) => b.startedAt - a.startedAt)
        .slice(0, limit)
        .map((log) => structuredClone(log)),
    delete: async (id) => {
      this.logs.delete(id);
    },
    purgeExpired: async (now) => {
      let purged = 0;
      for (const log of [...this.logs.values()]) {
        if (log.keepUntil !== null && log.keepUntil <= now) {
          this.logs.delete(log.id);
          purged += 1;
        }
      }
      return purged;
    },
  };
  readonly files: FileStore = {
    write: async (instance, fileId, body) => {
      const data = await collect(body);
      const files = this.bytes.get(instance) ?? new Map<string, Buffer>();
      if (files.has(fileId)) throw new Error(`file ${fileId} exists`);
      files.set(fileId, data);
      this.bytes.set(instance, files);
    },
    read: async (instance, fileId) => {
      const data = this.fileRecords.get(instance)?.has(fileId) ? this.bytes.get(instance)?.get(fileId) : undefined;
      if (!data) return null;
      return (async function* bytes() {
        yield new Uint8Array(data);
      })();
    },
    discard: async (instance, fileId) => {
      this.bytes.get(instance)?.delete(fileId);
    },
    append: (instance, message, quota) => this.appendFile(instance, message, quota),
    get: async (instance, fileId) => {
      const found = this.fileRecords.get(instance)?.get(fileId);
      return found ? structuredClone(found) : null;
    },
    usage: async (instance) => this.fileUsage(instance),
    tokenKey: async () => this.key,
  };

  async appendChat(instance: string, message: NewChatMessage): Promise<AppendResult> {
    const list = this.chats.get(instance) ?? [];
    this.chats.set(instance, list);
    const existing = list.find((m) => m.id === message.id);
    if (existing) return existing.from.id === message.from.id ? { stored: existing, duplicate: true } : { conflict: true };
    const stored: ChatMessage = { ...message, from: { ...message.from }, ...(message.file ? { file: { ...message.file } } : {}), seq: list.length + 1 };
    list.push(stored);
    return { stored, duplicate: false };
  }

  private async appendFile(instance: string, message: NewFileMessage, quota: FileQuota): Promise<AppendFileResult> {
    const existing = (this.chats.get(instance) ?? []).find((m) => m.id === message.id);
    if (!existing) {
      const usage = this.fileUsage(instance);
      if (usage.files + 1 > quota.files || usage.bytes + message.file.size > quota.bytes) return { overQuota: true };
    }
    const result = await this.appendChat(instance, message);
    if ('stored' in result && !result.duplicate) {
      const records = this.fileRecords.get(instance) ?? new Map<string, StoredFile>();
      records.set(message.file.id, { ...message.file, messageId: message.id, uploaderId: message.from.id, storedAt: message.sentAt });
      this.fileRecords.set(instance, records);
    }
    return result;
  }

  private fileUsage(instance: string): FileUsage {
    const records = [...(this.fileRecords.get(instance)?.values() ?? [])];
    return { files: records.length, bytes: records.reduce((sum, f) => sum + f.size, 0) };
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
    this.bytes.delete(instance);
    this.fileRecords.delete(instance);
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
    this.bytes.clear();
    this.fileRecords.clear();
    this.logs.clear();
  }
}
