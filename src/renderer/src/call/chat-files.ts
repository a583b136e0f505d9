import { cleanFileName, filePath, FileRefusalCodeSchema, FileUploadReplySchema, type ChatFile, type ChatMessage } from '@roundtable/signaling-server/protocol';
import type { ChatEntry, FileProblem, FileUpload } from './chat-entry';
import { browserFileTransfer, canPreview, decodePreview, sha256Hex, type FileTransfer } from './file-transfer';
import { randomToken } from './ids';
import { SignalingError, type SignalingClient } from './signaling-client';

/** A file that could not be fetched, and why. */
export class FileProblemError extends Error {
  constructor(
    readonly problem: FileProblem,
    message: string,
  ) {
    super(message);
    this.name = 'FileProblemError';
  }
}

/** What the chat panel does with files (ChatFileTransfers does it; ChatController.files). */
export interface ChatFiles {
  /** Shares `file` with everyone in the meeting; `maxBytes`: the meeting's limit, checked here first. */
  attach(file: File, maxBytes?: number): void;
  retryFile(id: string): void;
  /** Stops an upload, or forgets one that failed. */
  cancelFile(id: string): void;
  /** The file's bytes, checked against its hash (rejects with a FileProblemError). */
  download(file: ChatFile): Promise<Blob>;
  /** A small picture of an image (null: no preview for it). */
  preview(file: ChatFile): Promise<ImageBitmap | null>;
  /** The host's limit on files in this meeting (0: none). */
  setFileLimit(maxBytes: number): Promise<void>;
}

/** Files uploading at once (the server takes 4 per address); previews fetched at once. */
const UPLOADS_AT_ONCE = 2;
const PREVIEWS_AT_ONCE = 3;
/** An upload cut off (the network, a restarting server) is tried again this many times, this far apart. */
const UPLOAD_ATTEMPTS = 3;
const UPLOAD_RETRY_MS = 1500;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/** The chat's messages, as the files kept in them need them (ChatController). */
export interface ChatLog {
  /** Who we are, once in the meeting. */
  self(): { id: string; name: string } | null;
  /** In the meeting and connected: a file offered now can be taken. */
  inMeeting(): boolean;
  get(id: string): ChatEntry | undefined;
  entries(): Iterable<ChatEntry>;
  /** Puts or replaces an entry (shown on the next update). */
  put(entry: ChatEntry): void;
  remove(id: string): void;
  /** A message the server stored (the file's, once uploaded). */
  stored(message: ChatMessage): void;
}

/**
 * The files of the chat: uploads (offered over signaling, sent over HTTP with progress, tried
 * again after a cut, a few at a time), and downloads and previews (with a one-use token, checked
 * against the hash the message carries).
 */
export class ChatFileTransfers implements ChatFiles {
  /** The files of uploads not finished (kept for a retry), and how to stop each. */
  private readonly blobs = new Map<string, Blob>();
  private readonly aborts = new Map<string, AbortController>();
  private readonly attempts = new Map<string, number>();
  private uploadsRunning = 0;
  /** Uploads wait until then after a transient failure. */
  private uploadsHeldUntil = 0;
  private uploadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly previews = new Map<string, Promise<ImageBitmap | null>>();
  private readonly previewQueue: Array<() => void> = [];
  private previewsRunning = 0;

  constructor(
    private readonly signaling: SignalingClient,
    private readonly log: ChatLog,
    private readonly transfer: FileTransfer = browserFileTransfer,
  ) {}

  attach(file: File, maxBytes?: number): void {
    const self = this.log.self();
    if (!self) return;
    const type = file.type.length <= 127 && MEDIA_TYPE.test(file.type) ? file.type.toLowerCase() : '';
    const upload: FileUpload = { name: cleanFileName(file.name), size: file.size, type, sent: 0, phase: 'waiting' };
    // What the meeting's limit already rules out is refused here, as the server would.
    const problem: FileProblem | null =
      file.size === 0 ? 'file-empty' : maxBytes === 0 ? 'files-off' : maxBytes !== undefined && file.size > maxBytes ? 'file-too-large' : null;
    const entry: ChatEntry = {
      id: randomToken(12),
      seq: null,
      from: { ...self },
      text: '',
      sentAt: Date.now(),
      status: problem ? 'failed' : 'sending',
      upload: problem ? { ...upload, phase: 'failed', problem, ...(maxBytes !== undefined ? { maxBytes } : {}) } : upload,
    };
    if (!problem) this.blobs.set(entry.id, file);
    this.log.put(entry);
    this.flush();
  }

  retryFile(id: string): void {
    const entry = this.log.get(id);
    if (!entry?.upload || entry.upload.phase !== 'failed' || !this.blobs.has(id)) return;
    this.attempts.delete(id);
    this.setUpload(id, { phase: 'waiting', sent: 0, problem: undefined, maxBytes: undefined });
    this.flush();
  }

  cancelFile(id: string): void {
    const entry = this.log.get(id);
    if (!entry?.upload || entry.seq !== null) return;
    this.aborts.get(id)?.abort();
    this.log.remove(id);
    this.blobs.delete(id);
    this.attempts.delete(id);
  }

  async download(file: ChatFile): Promise<Blob> {
    const bytes = await this.fetchFile(file);
    return new Blob([bytes], { type: 'application/octet-stream' });
  }

  preview(file: ChatFile): Promise<ImageBitmap | null> {
    if (!canPreview(file)) return Promise.resolve(null);
    let preview = this.previews.get(file.id);
    if (!preview) {
      preview = this.inPreviewTurn(async () => decodePreview(await this.fetchFile(file), file)).catch(() => {
        // Not now (the network, the server): a later look tries again.
        this.previews.delete(file.id);
        return null;
      });
      this.previews.set(file.id, preview);
    }
    return preview;
  }

  async setFileLimit(maxBytes: number): Promise<void> {
    await this.signaling.request('host-settings', { maxFileBytes: maxBytes });
  }

  /** The bytes of a file of the meeting, with a one-use token, checked against the hash its message carries. */
  private async fetchFile(file: ChatFile): Promise<ArrayBuffer> {
    let token: string;
    try {
      ({ token } = await this.signaling.request('file-token', { fileId: file.id }));
    } catch (error) {
      const code = error instanceof SignalingError ? error.code : null;
      if (code === 'not-in-room' || code === 'not-found') throw new FileProblemError('not-in-meeting', `no token for file ${file.id}: ${code}`);
      throw new FileProblemError(code === 'disconnected' || code === 'timeout' ? 'network' : 'failed', `no token for file ${file.id}: ${String(code)}`);
    }
    const result = await this.transfer.download(this.fileUrl(file.id), token);
    if (result.status !== 200 || !(result.body instanceof Blob)) {
      const problem: FileProblem = result.status === 0 ? 'network' : result.status === 403 || result.status === 404 ? 'not-in-meeting' : 'failed';
      throw new FileProblemError(problem, `file ${file.id}: HTTP ${result.status}`);
    }
    const bytes = await result.body.arrayBuffer();
    const hash = await sha256Hex(bytes);
    if (bytes.byteLength !== file.size || (hash !== null && hash !== file.sha256))
      throw new FileProblemError('damaged', `file ${file.id} is not the file that was shared`);
    return bytes;
  }

  private fileUrl(fileId: string): string {
    return new URL(filePath(fileId), this.signaling.url).href;
  }

  /** Runs `work` when fewer than PREVIEWS_AT_ONCE previews are being fetched. */
  private async inPreviewTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.previewsRunning >= PREVIEWS_AT_ONCE) await new Promise<void>((resolve) => this.previewQueue.push(resolve));
    this.previewsRunning += 1;
    try {
      return await work();
    } finally {
      this.previewsRunning -= 1;
      this.previewQueue.shift()?.();
    }
  }

  /** Starts the uploads that wait, a few at a time, while in the meeting (after each join too). */
  flush(): void {
    if (!this.log.inMeeting()) return;
    const wait = this.uploadsHeldUntil - Date.now();
    if (wait > 0) {
      this.uploadTimer ??= setTimeout(() => {
        this.uploadTimer = undefined;
        this.flush();
      }, wait);
      return;
    }
    for (const entry of this.log.entries()) {
      if (this.uploadsRunning >= UPLOADS_AT_ONCE) return;
      if (entry.upload?.phase === 'waiting' && entry.seq === null) void this.uploadOne(entry.id);
    }
  }

  /**
   * One file: offered over the signaling connection (the server checks the meeting's limits and
   * answers with an upload token), then sent over HTTP with progress; the server's reply is the
   * stored message, which everyone else gets as a chat message.
   */
  private async uploadOne(id: string): Promise<void> {
    const entry = this.log.get(id);
    const blob = this.blobs.get(id);
    if (!entry?.upload || !blob) return;
    const { name, size, type } = entry.upload;
    this.uploadsRunning += 1;
    this.attempts.set(id, (this.attempts.get(id) ?? 0) + 1);
    this.setUpload(id, { phase: 'offering', sent: 0 });
    const abort = new AbortController();
    this.aborts.set(id, abort);
    try {
      const reply = await this.signaling.request('file-offer', { id, name, size, type });
      if ('refused' in reply) return this.failUpload(id, reply.refused.code, reply.refused.maxBytes);
      if (abort.signal.aborted) return;
      this.setUpload(id, { phase: 'uploading' });
      const result = await this.transfer.upload(
        this.fileUrl(reply.upload.fileId),
        reply.upload.token,
        blob,
        (sent) => this.setUpload(id, { sent }),
        abort.signal,
      );
      const parsed = FileUploadReplySchema.safeParse(result.body);
      if (parsed.success && parsed.data.ok) {
        this.blobs.delete(id);
        this.attempts.delete(id);
        this.log.stored(parsed.data.message);
        return;
      }
      const code = parsed.success && !parsed.data.ok ? parsed.data.error.code : null;
      if (result.status === 0 || code === 'busy') return this.retryUpload(id, 'network');
      const refusal = FileRefusalCodeSchema.safeParse(code);
      if (refusal.success) return this.failUpload(id, refusal.data, parsed.success && !parsed.data.ok ? parsed.data.error.maxBytes : undefined);
      this.failUpload(id, code === 'forbidden' ? 'not-in-meeting' : 'failed');
    } catch (error) {
      if (abort.signal.aborted) return;
      const code = error instanceof SignalingError ? error.code : null;
      // Not in the meeting just now (a reconnect under way), or asking too fast: it goes again shortly.
      if (code === 'timeout' || code === 'disconnected' || code === 'rate-limited' || code === 'not-in-room') this.retryUpload(id, 'network', false);
      else this.failUpload(id, 'failed');
    } finally {
      this.uploadsRunning -= 1;
      this.aborts.delete(id);
      this.flush();
    }
  }

  /** Tries the upload again shortly (counting the attempt if `counts`), or gives up with `problem`. */
  private retryUpload(id: string, problem: FileProblem, counts = true): void {
    if (counts && (this.attempts.get(id) ?? 0) >= UPLOAD_ATTEMPTS) return this.failUpload(id, problem);
    if (!counts) this.attempts.set(id, Math.max(0, (this.attempts.get(id) ?? 1) - 1));
    this.uploadsHeldUntil = Date.now() + UPLOAD_RETRY_MS;
    this.setUpload(id, { phase: 'waiting', sent: 0 });
  }

  private failUpload(id: string, problem: FileProblem, maxBytes?: number): void {
    this.attempts.delete(id);
    this.setUpload(id, { phase: 'failed', problem, ...(maxBytes !== undefined ? { maxBytes } : {}) }, 'failed');
  }

  private setUpload(id: string, change: Partial<FileUpload>, status: ChatEntry['status'] = 'sending'): void {
    const entry = this.log.get(id);
    // Stored already (its chat message came first): nothing left to say about the upload.
    if (!entry?.upload || entry.seq !== null) return;
    const upload = { ...entry.upload, ...change };
    for (const key of Object.keys(change) as Array<keyof FileUpload>) if (change[key] === undefined) delete upload[key];
    this.log.put({ ...entry, status, upload });
  }
}
