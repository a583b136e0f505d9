import type { FileQuota, MeetingLog, MeetingRecord, NewChatMessage, NewFileMessage } from './store.js';

/** What SqliteStore asks its writer thread (sqlite-writer.ts); each request gets one reply with its id. */
export type WriterRequest = { id: number } & (
  | { op: 'appendChat'; instance: string; message: NewChatMessage }
  | { op: 'chatPage'; instance: string; before?: number; limit: number }
  | { op: 'chatUsage'; instance: string }
  | { op: 'saveMeeting'; record: MeetingRecord }
  | { op: 'dropMeeting'; instance: string }
  | { op: 'loadMeetings' }
  | { op: 'purgeExpired'; now: number }
  | { op: 'appendFile'; instance: string; message: NewFileMessage; quota: FileQuota }
  | { op: 'fileGet'; instance: string; fileId: string }
  | { op: 'fileUsage'; instance: string }
  | { op: 'fileIndex' }
  | { op: 'tokenKey' }
  | { op: 'recordSave'; log: MeetingLog }
  | { op: 'recordGet'; record: string }
  | { op: 'recordsByHost'; hostIds: string[]; limit: number }
  | { op: 'recordsRecent'; limit: number }
  | { op: 'recordDelete'; record: string }
  | { op: 'recordPurge'; now: number }
  | { op: 'close' }
);

export type WriterReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/** The writer's first message: the database is open (or why not). */
export type WriterReady = { ready: true } | { ready: false; message: string };
