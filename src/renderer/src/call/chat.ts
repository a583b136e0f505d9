import { LIMITS, type ChatMessage } from '@roundtable/signaling-server/protocol';
import { failureText } from '../text/failures';
import type { FileTransfer } from './file-transfer';
import { randomToken } from './ids';
import { SignalingError, type SignalingClient } from './signaling-client';
import { Store, type ReadonlyStore } from './store';
import type { ChatEntry } from './chat-entry';
import { ChatFileTransfers, type ChatLog } from './chat-files';

export type { ChatEntry, FileProblem, FileUpload } from './chat-entry';
export { FileProblemError, type ChatFiles } from './chat-files';

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

/**
 * The meeting's chat as this participant sees it. Every message gets an id here; it is kept in an
 * outbox and resent after a reconnect until the server acknowledges it, and the server stores each
 * id once, so nothing is lost and nothing shows twice.
 */
export class ChatController {
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
  /** The files shared in the chat: uploads, downloads, previews. */
  readonly files: ChatFileTransfers;

  constructor(
    private readonly signaling: SignalingClient,
    options: { transfer?: FileTransfer } = {},
  ) {
    this.files = new ChatFileTransfers(signaling, this.log, options.transfer);
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
    this.files.flush();
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

  /** What the files need of the messages. */
  private readonly log: ChatLog = {
    get: (id) => this.byId.get(id),
    entries: () => this.byId.values(),
    put: (entry) => {
      this.byId.set(entry.id, entry);
      this.publish();
    },
    remove: (id) => {
      this.byId.delete(id);
      this.publish();
    },
    stored: (message) => {
      this.store(message, false);
      this.publish();
    },
    self: () => this.self,
    inMeeting: () => this.joined && this.signaling.connected,
  };

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
