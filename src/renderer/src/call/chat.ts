import type { ChatMessage } from '@roundtable/signaling-server/protocol';
import { randomToken } from './ids';
import { SignalingError, type SignalingClient } from './signaling-client';
import { Store } from './store';

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
 * The meeting's chat as this participant sees it. Every message gets an id here; it is kept in an
 * outbox and resent after a reconnect until the server acknowledges it, and the server stores each
 * id once, so nothing is lost and nothing shows twice.
 */
export class ChatController {
  readonly state = new Store<ChatState>({ messages: [], hasOlder: false, loadingOlder: false, unread: 0 });
  private readonly byId = new Map<string, ChatEntry>();
  private readonly outbox: string[] = [];
  private flushing = false;
  private reading = false;
  private self: { id: string; name: string } | null = null;

  constructor(private readonly signaling: SignalingClient) {
    signaling.events.on('chat-message', (message) => this.receive(message));
  }

  /** Called after every (re)join: fetch what was missed, then send what is still unsent. */
  async synchronize(self: { id: string; name: string }): Promise<void> {
    this.self = self;
    try {
      const page = await this.signaling.request('chat-history', { limit: PAGE });
      for (const message of page.messages) this.store(message, false);
      if (this.oldestSeq() === page.messages[0]?.seq) this.patch({ hasOlder: page.hasMore });
      this.publish();
    } catch {
      // History is best-effort; the outbox below still goes out.
    }
    void this.flush();
  }

  send(text: string): void {
    const trimmed = text.trim();
    if (!trimmed || !this.self) return;
    const entry: ChatEntry = { id: randomToken(12), seq: null, from: { ...this.self }, text: trimmed, sentAt: Date.now(), status: 'sending' };
    this.byId.set(entry.id, entry);
    this.outbox.push(entry.id);
    this.publish();
    void this.flush();
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

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.outbox.length > 0 && this.signaling.connected) {
        const id = this.outbox[0]!;
        const entry = this.byId.get(id);
        if (!entry) {
          this.outbox.shift();
          continue;
        }
        try {
          const { message } = await this.signaling.request('chat-send', { id, text: entry.text });
          this.outbox.shift();
          this.store(message, false);
          this.publish();
        } catch (error) {
          if (error instanceof SignalingError && (error.code === 'timeout' || error.code === 'disconnected')) return; // resent after the reconnect
          this.outbox.shift();
          this.byId.set(id, { ...entry, status: 'failed', error: error instanceof Error ? error.message : String(error) });
          this.publish();
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private receive(message: ChatMessage): void {
    const isNew = !this.byId.get(message.id)?.seq;
    this.store(message, isNew && message.from.id !== this.self?.id);
    this.publish();
  }

  private store(message: ChatMessage, countUnread: boolean): void {
    this.byId.set(message.id, { ...message, from: { ...message.from }, status: 'sent' });
    if (countUnread && !this.reading) this.patch({ unread: this.state.get().unread + 1 });
  }

  private oldestSeq(): number | null {
    let oldest: number | null = null;
    for (const entry of this.byId.values()) if (entry.seq !== null && (oldest === null || entry.seq < oldest)) oldest = entry.seq;
    return oldest;
  }

  private publish(): void {
    const entries = [...this.byId.values()];
    const stored = entries.filter((e) => e.seq !== null).sort((a, b) => a.seq! - b.seq!);
    const pending = entries.filter((e) => e.seq === null).sort((a, b) => a.sentAt - b.sentAt);
    this.patch({ messages: [...stored, ...pending] });
  }

  private patch(change: Partial<ChatState>): void {
    this.state.update((s) => ({ ...s, ...change }));
  }
}
