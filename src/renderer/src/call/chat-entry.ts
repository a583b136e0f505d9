import type { ChatFile, FileRefusalCode } from '@roundtable/signaling-server/protocol';

/** Why a file did not go (or come): the server's refusals by code, and what can go wrong on the way. The panel words each. */
export type FileProblem = FileRefusalCode | 'network' | 'not-in-meeting' | 'damaged' | 'failed';

/** A file this participant is sharing, until the server has it. */
export interface FileUpload {
  name: string;
  size: number;
  type: string;
  /** Bytes sent so far. */
  sent: number;
  /** waiting: for the connection, or its turn; offering: asking the server; uploading: the bytes on their way. */
  phase: 'waiting' | 'offering' | 'uploading' | 'failed';
  problem?: FileProblem;
  /** The meeting's limit, when the problem is the file's size. */
  maxBytes?: number;
}

/** A message of the chat as this participant has it. */
export interface ChatEntry {
  id: string;
  /** Server order; null while it is on its way. */
  seq: number | null;
  from: { id: string; name: string };
  text: string;
  sentAt: number;
  status: 'sending' | 'sent' | 'failed';
  /** Why a message was refused (shown next to it). */
  error?: string;
  /** A file shared in the chat (stored: the server's description of it). */
  file?: ChatFile;
  /** A file of ours on its way (until `file` replaces it). */
  upload?: FileUpload;
}
