import {
  cleanFileName,
  filePath,
  FileRefusalCodeSchema,
  FileUploadReplySchema,
  LIMITS,
  type ChatFile,
  type ChatMessage,
  type FileRefusalCode,
} from '@roundtable/signaling-server/protocol';
import { failureText } from '../text/failures';
import { browserFileTransfer, canPreview, decodePreview, sha256Hex, type FileTransfer } from './file-transfer';
import { randomToken } from './ids';
import { SignalingError, type SignalingClient } from './signaling-client';
import { Store, type ReadonlyStore } from './store';

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

/** What the chat panel does with files (ChatController does it). */
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

export interface ChatState {
  /** Stored messages by `seq`, then this participant's unsent ones in the order written. */
  messages: readonly ChatEntry[];
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Messages from others not yet seen (the panel was closed). */
  unread: number;
}

const PAGE = 50;
/**
 * The server paces chat per connection (LIMITS.chatBurst at once, then LIMITS.chatPerSecond): the
 * outbox keeps a little under that pace, so a burst of messages goes out in order without being
 * refused. A message refused all the same (the clocks differ) is sent again after a pause.
 */
const PACE_PER_SECOND = LIMITS.chatPerSecond * 0.9;
const PACE_BURST = LIMITS.chatBurst - 2;
const RATE_RETRY_MS = 400;
/** Messages sent ahead of their acknowledgements. */
const IN_FLIGHT = 16;
/** Files uploading at once (the server takes 4 per address); previews fetched at once. */
const UPLOADS_AT_ONCE = 2;
const PREVIEWS_AT_ONCE = 3;
/** An upload cut off (the network, a restarting server) is tried again this many times, this far apart. */
const UPLOAD_ATTEMPTS = 3;
const UPLOAD_RETRY_MS = 1500;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/**
 * The meeting's chat as this participant sees it. Every message gets an id here; it is kept in an
 * outbox and resent after a reconnect until the server acknowledges it, and the server stores each
 * id once, so nothing is lost and nothing shows twice.
 */
export class ChatController implements ChatFiles {
  private readonly writable = new Store<ChatState>({ messages: [], hasOlder: false, loadingOlder: false, unread: 0 });
  /** Read-only for everyone else: only this class changes it. */
  readonly state: ReadonlyStore<ChatState> = this.writable;
  private readonly byId = new Map<string, ChatEntry>();
  private readonly outbox: string[] = [];
  private readonly inFlight = new Set<string>();
  private publishTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The server said "too fast": one message at a time (so none overtakes another) until the outbox is empty. */
  private paced = false;
  /** Messages the outbox may send now without going over the server's pace (refills over time). */
  private tokens = PACE_BURST;
  private tokensAt = Date.now();
  /** In the meeting (joined, and its history fetched): sending before that would be refused. */
  private joined = false;
  private reading = false;
  private self: { id: string; name: string } | null = null;
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
  private readonly transfer: FileTransfer;

  constructor(
    private readonly signaling: SignalingClient,
    options: { transfer?: FileTransfer } = {},
  ) {
    this.transfer = options.transfer ?? browserFileTransfer;
    signaling.events.on('chat-message', (message) => this.receive(message));
    // A new connection is not in the meeting until it joins again (synchronize follows).
    signaling.events.on('disconnected', () => {
      this.joined = false;
    });
  }

  /**
   * Called after every (re)join: fetch what was missed (paging back until it meets what we already
   * had, so a long outage leaves no hole), then send what is still unsent.
   */
  async synchronize(self: { id: string; name: string }): Promise<void> {
    this.self = self;
    this.joined = true;
    // A new connection starts with a new budget on the server.
    this.tokens = PACE_BURST;
    this.tokensAt = Date.now();
    const known = this.newestSeq();
    try {
      let page = await this.signaling.request('chat-history', { limit: PAGE });
      for (const message of page.messages) this.store(message, false);
      if (known === null) this.patch({ hasOlder: page.hasMore });
      while (known !== null && page.hasMore && (page.messages[0]?.seq ?? 0) > known + 1) {
        page = await this.signaling.request('chat-history', { before: page.messages[0]!.seq, limit: PAGE });
        for (const message of page.messages) this.store(message, false);
      }
      this.publish();
    } catch {
      // History is best-effort here; it is fetched again on the next join. The outbox still goes out.
    }
    this.flush();
    this.flushFiles();
  }

  send(text: string): void {
    const trimmed = text.trim();
    if (!trimmed || !this.self) return;
    const entry: ChatEntry = { id: randomToken(12), seq: null, from: { ...this.self }, text: trimmed, sentAt: Date.now(), status: 'sending' };
    this.byId.set(entry.id, entry);
    this.outbox.push(entry.id);
    this.publish();
    this.flush();
  }

  attach(file: File, maxBytes?: number): void {
    if (!this.self) return;
    const type = file.type.length <= 127 && MEDIA_TYPE.test(file.type) ? file.type.toLowerCase() : '';
    const upload: FileUpload = { name: cleanFileName(file.name), size: file.size, type, sent: 0, phase: 'waiting' };
    // What the meeting's limit already rules out is refused here, as the server would.
    const problem: FileProblem | null =
      file.size === 0 ? 'file-empty' : maxBytes === 0 ? 'files-off' : maxBytes !== undefined && file.size > maxBytes ? 'file-too-large' : null;
    const entry: ChatEntry = {
      id: randomToken(12),
      seq: null,
      from: { ...this.self },
      text: '',
      sentAt: Date.now(),
      status: problem ? 'failed' : 'sending',
      upload: problem ? { ...upload, phase: 'failed', problem, ...(maxBytes !== undefined ? { maxBytes } : {}) } : upload,
    };
    this.byId.set(entry.id, entry);
    if (!problem) this.blobs.set(entry.id, file);
    this.publish();
    this.flushFiles();
  }

  retryFile(id: string): void {
    const entry = this.byId.get(id);
    if (!entry?.upload || entry.upload.phase !== 'failed' || !this.blobs.has(id)) return;
    this.attempts.delete(id);
    this.setUpload(id, { phase: 'waiting', sent: 0, problem: undefined, maxBytes: undefined });
    this.flushFiles();
  }

  cancelFile(id: string): void {
    const entry = this.byId.get(id);
    if (!entry?.upload || entry.seq !== null) return;
    this.aborts.get(id)?.abort();
    this.byId.delete(id);
    this.blobs.delete(id);
    this.attempts.delete(id);
    this.publish();
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

  /** Starts the uploads that wait, a few at a time, while in the meeting. */
  private flushFiles(): void {
    if (!this.joined || !this.signaling.connected) return;
    const wait = this.uploadsHeldUntil - Date.now();
    if (wait > 0) {
      this.uploadTimer ??= setTimeout(() => {
        this.uploadTimer = undefined;
        this.flushFiles();
      }, wait);
      return;
    }
    for (const entry of this.byId.values()) {
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
    const entry = this.byId.get(id);
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
        this.store(parsed.data.message, false);
        this.publish();
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
      this.flushFiles();
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
    const entry = this.byId.get(id);
    // Stored already (its chat message came first): nothing left to say about the upload.
    if (!entry?.upload || entry.seq !== null) return;
    const upload = { ...entry.upload, ...change };
    for (const key of Object.keys(change) as Array<keyof FileUpload>) if (change[key] === undefined) delete upload[key];
    this.byId.set(id, { ...entry, status, upload });
    this.publish();
  }

  async loadOlder(): Promise<void> {
    const before = this.oldestSeq();
    if (this.state.get().loadingOlder || before === null || !this.state.get().hasOlder) return;
    this.patch({ loadingOlder: true });
    try {
      const page = await this.signaling.request('chat-history', { before, limit: PAGE });
      for (const message of page.messages) this.store(message, false);
      this.patch({ hasOlder: page.hasMore });
      this.publish();
    } finally {
      this.patch({ loadingOlder: false });
    }
  }

  /** The panel is open (or closed): while open, nothing counts as unread. */
  setReading(reading: boolean): void {
    this.reading = reading;
    if (reading) this.patch({ unread: 0 });
  }

  /**
   * Sends the outbox in order, several at a time over the one connection (so order is kept and
   * round trips overlap). A message leaves the outbox only when the server has acknowledged it;
   * whatever was in flight when the connection dropped is sent again after the reconnect.
   */
  private flush(): void {
    if (this.retryTimer !== undefined) return;
    if (this.outbox.length === 0) this.paced = false;
    while (this.joined && this.signaling.connected && this.inFlight.size < (this.paced ? 1 : IN_FLIGHT)) {
      const id = this.outbox.find((candidate) => !this.inFlight.has(candidate));
      if (id === undefined) return;
      if (!this.takeToken()) return this.retryLater((1 - this.tokens) * (1000 / PACE_PER_SECOND));
      this.inFlight.add(id);
      void this.sendOne(id);
    }
  }

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(PACE_BURST, this.tokens + ((now - this.tokensAt) / 1000) * PACE_PER_SECOND);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private async sendOne(id: string): Promise<void> {
    const entry = this.byId.get(id);
    try {
      if (!entry) return this.dropFromOutbox(id);
      const { message } = await this.signaling.request('chat-send', { id, text: entry.text });
      this.dropFromOutbox(id);
      this.store(message, false);
      this.publish();
    } catch (error) {
      const code = error instanceof SignalingError ? error.code : null;
      if (code === 'rate-limited') {
        this.paced = true;
        this.retryLater();
      }
      // Not in the meeting (a reconnect under way): it goes again once we are back in.
      const transient = code === 'timeout' || code === 'disconnected' || code === 'rate-limited' || code === 'not-in-room';
      if (!transient && entry) {
        this.dropFromOutbox(id);
        this.byId.set(id, { ...entry, status: 'failed', error: failureText(error) });
        this.publish();
      }
    } finally {
      this.inFlight.delete(id);
      if (this.signaling.connected) this.flush();
    }
  }

  /** Sending too fast: the outbox waits a little, then goes on in order. */
  private retryLater(ms = RATE_RETRY_MS): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.flush();
      },
      Math.max(10, ms),
    );
  }

  private dropFromOutbox(id: string): void {
    const index = this.outbox.indexOf(id);
    if (index >= 0) this.outbox.splice(index, 1);
  }

  private receive(message: ChatMessage): void {
    const isNew = !this.byId.get(message.id)?.seq;
    this.store(message, isNew && message.from.id !== this.self?.id);
    this.publish();
  }

  private store(message: ChatMessage, countUnread: boolean): void {
    this.byId.set(message.id, { ...message, from: { ...message.from }, ...(message.file ? { file: { ...message.file } } : {}), status: 'sent' });
    if (countUnread && !this.reading) this.patch({ unread: this.state.get().unread + 1 });
  }

  private newestSeq(): number | null {
    let newest: number | null = null;
    for (const entry of this.byId.values()) if (entry.seq !== null && (newest === null || entry.seq > newest)) newest = entry.seq;
    return newest;
  }

  private oldestSeq(): number | null {
    let oldest: number | null = null;
    for (const entry of this.byId.values()) if (entry.seq !== null && (oldest === null || entry.seq < oldest)) oldest = entry.seq;
    return oldest;
  }

  /** Many updates in a burst (a resent outbox, a history page) make one new state. */
  private publish(): void {
    if (this.publishTimer !== undefined) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      this.publishNow();
    }, 16);
  }

  private publishNow(): void {
    const entries = [...this.byId.values()];
    const stored = entries.filter((e) => e.seq !== null).sort((a, b) => a.seq! - b.seq!);
    const pending = entries.filter((e) => e.seq === null).sort((a, b) => a.sentAt - b.sentAt);
    const messages = [...stored, ...pending];
    const shown = this.state.get().messages;
    if (messages.length === shown.length && messages.every((entry, i) => entry === shown[i])) return;
    this.patch({ messages });
  }

  /**
   * A new state only when something in it changed: every new state renders the meeting again, and
   * the history fetched on joining (usually empty) arrives just as the first call connects.
   */
  private patch(change: Partial<ChatState>): void {
    const current = this.state.get();
    if ((Object.keys(change) as Array<keyof ChatState>).every((key) => Object.is(change[key], current[key]))) return;
    this.writable.update((s) => ({ ...s, ...change }));
  }
}
