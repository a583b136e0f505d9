import type { ChatFile, ChatHistory, ChatMessage } from '../protocol/index.js';

export interface NewChatMessage {
  id: string;
  from: { id: string; name: string };
  text: string;
  sentAt: number;
  /** A shared file (appended through `files.append`, never appendChat). */
  file?: ChatFile;
}

export type AppendResult = { stored: ChatMessage; duplicate: boolean } | { conflict: true };

/** How much chat one meeting holds. */
export interface ChatUsage {
  messages: number;
  bytes: number;
}

/** Someone the host removed: kept out of the meeting until the host lifts it. */
export interface Ban {
  id: string;
  name: string;
  at: number;
}

/**
 * One meeting instance as the server keeps it between restarts: its rules and who may come back.
 * `live`: in progress (or cut short by a restart, and waiting for its people to come back);
 * `kept`: over, its chat kept for the host until `keepUntil`.
 */
export interface MeetingRecord {
  code: string;
  instance: string;
  hostId: string | null;
  createdAt: number;
  locked: boolean;
  waitingRoom: boolean;
  /** scrypt salt and hash, base64 (never the passcode). */
  passcode: { salt: string; hash: string } | null;
  keepChat: boolean;
  /** The largest file the host lets people share (absent: the server's limit). */
  maxFileBytes?: number;
  allowed: string[];
  banned: Ban[];
  state: 'live' | 'kept';
  keepUntil: number | null;
  /** The meeting's record (rooms' MeetingJournal), so it goes on after a restart. */
  recordId?: string;
}

/**
 * Where the server keeps what outlives a connection: each meeting instance's chat and its record.
 * Chat belongs to an instance (a random id made when the meeting is created), never to a code, so
 * a new meeting under an old code starts empty. Every call resolves once the change is durable:
 * an acknowledged message is never lost. `appendChat` is idempotent on (instance, id).
 */
export interface ServerStore {
  appendChat(instance: string, message: NewChatMessage): Promise<AppendResult>;
  /** Messages of `instance` older than `before` (or the newest), oldest first. */
  chatPage(instance: string, options: { before?: number; limit: number }): Promise<ChatHistory>;
  chatUsage(instance: string): Promise<ChatUsage>;
  saveMeeting(record: MeetingRecord): Promise<void>;
  /** The meeting is over and not kept: its record, its chat and its files go. */
  dropMeeting(instance: string): Promise<void>;
  /** Every meeting record (live ones to resume after a restart, kept ones to honour). */
  loadMeetings(): Promise<MeetingRecord[]>;
  /** Drops kept meetings (and their chat and files) whose time ran out by `now`; resolves with how many. */
  purgeExpired(now: number): Promise<number>;
  /** Files shared in each instance's chat; they go with its chat (dropMeeting, purgeExpired). */
  readonly files: FileStore;
  /** What happened in each meeting, for its host (they outlive the meeting and its chat). */
  readonly records: RecordStore;
  close(): Promise<void>;
}

/** The bytes a message counts for against a meeting's chat quota. */
export function chatBytes(message: Pick<NewChatMessage, 'text'>): number {
  return Buffer.byteLength(message.text);
}

/** A shared file as the store keeps it: what its message shows, and who sent it when. */
export interface StoredFile extends ChatFile {
  messageId: string;
  uploaderId: string;
  storedAt: number;
}

/** What one meeting's files add up to. */
export interface FileUsage {
  files: number;
  bytes: number;
}

export type FileQuota = FileUsage;

/** A chat message that carries a file. */
export type NewFileMessage = NewChatMessage & { file: ChatFile };

export type AppendFileResult = AppendResult | { overQuota: true };

/**
 * A meeting instance's files: their bytes and their records. Bytes are written first (`write`,
 * durable when it resolves: on disk and fsync'd, or committed) under a new file id, then `append`
 * stores the chat message that carries the file and the file's record at once, checking the
 * meeting's quota; bytes that were never appended are `discard`ed (a refused upload) or swept
 * (a crash). Files go with their meeting: `dropMeeting` and `purgeExpired` delete them.
 */
export interface FileStore {
  write(instance: string, fileId: string, body: AsyncIterable<Uint8Array>): Promise<void>;
  /** The bytes of an appended file, or null. */
  read(instance: string, fileId: string): Promise<AsyncIterable<Uint8Array> | null>;
  discard(instance: string, fileId: string): Promise<void>;
  /** Idempotent on the message id, like appendChat; refused past `quota` (files or bytes). */
  append(instance: string, message: NewFileMessage, quota: FileQuota): Promise<AppendFileResult>;
  get(instance: string, fileId: string): Promise<StoredFile | null>;
  usage(instance: string): Promise<FileUsage>;
  /** A random key kept by the store and shared by every server using it (file tokens are signed with it). */
  tokenKey(): Promise<Buffer>;
}

/** One stretch of time someone was in the meeting (leftAt null: still there). */
export interface LogStint {
  joinedAt: number;
  leftAt: number | null;
}

/** One person as a meeting's record keeps them (quality samples as reported: medians on reading). */
export interface LogPerson {
  id: string;
  name: string;
  stints: LogStint[];
  waits: Array<{ since: number; until: number; outcome: 'admitted' | 'denied' | 'left' }>;
  speakingMs: number;
  samples: { rttMs: number[]; lossPct: number[]; degradedShare: number[] };
  recordings: Array<{ startedAt: number; stoppedAt: number | null }>;
  files: number;
}

/**
 * What happened in one meeting instance (rooms/journal.ts keeps it up to date). `hostIds`: every
 * identity that hosted it, the only ones that may read or delete it.
 */
export interface MeetingLog {
  /** The record's own id (a kept meeting started again is the same instance, and gets a new record). */
  id: string;
  instance: string;
  code: string;
  startedAt: number;
  endedAt: number | null;
  hostIds: string[];
  people: LogPerson[];
  /** When it is deleted (null: the meeting runs). */
  keepUntil: number | null;
  /** When it was last written (after a restart, stints still open are closed at this time). */
  savedAt: number;
}

/** Meeting records, kept where the meeting was held; they outlive the meeting (not its chat) until `keepUntil`. */
export interface RecordStore {
  save(log: MeetingLog): Promise<void>;
  get(id: string): Promise<MeetingLog | null>;
  /** Records any of `hostIds` hosted, newest first. */
  byHost(hostIds: string[], limit: number): Promise<MeetingLog[]>;
  /** Every meeting's record, newest first (for whoever runs the server: npm run records). */
  recent(limit: number): Promise<MeetingLog[]>;
  delete(id: string): Promise<void>;
  /** Deletes records whose `keepUntil` passed; resolves with how many. */
  purgeExpired(now: number): Promise<number>;
}
