import type { HostNotice } from '@roundtable/signaling-server/protocol';
import type { CallPhase } from '../call/call-session';
import { Store, type ReadonlyStore } from '../call/store';
import { t } from '../text/i18n';

/**
 * The short notices of a meeting (toasts): what the host asked of us or did to us, who hosts now,
 * who came and went. Each goes away by itself after a few seconds (not while the person points at
 * it or has focus in it), at most MAX_TOASTS show at once, and arrivals and departures are gathered
 * into one notice that replaces the last one instead of piling up. Framework-free: a hook feeds it
 * the call's state and renders `state`.
 */

export type NoticeKind = HostNotice['kind'] | 'host-change' | 'presence';

export interface Toast {
  key: string;
  kind: NoticeKind;
  /** What it says, in the language of the moment it came. */
  text: string;
  /** What it says in the current language: the notice follows a change of language while it shows. */
  say: () => string;
  /** The session's key of a host notice (dismissed there when the toast goes). */
  hostKey?: string;
}

/** What the feed reads of the call. `people` are the others (never oneself). */
export interface MeetingSnapshot {
  phase: CallPhase;
  selfId: string | null;
  hostId: string | null;
  people: ReadonlyArray<{ id: string; name: string }>;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const MAX_TOASTS = 3;
/** How long a notice stays (host notices, a new host). */
export const NOTICE_MS = 7000;
/** Arrivals and departures: shorter. */
export const PRESENCE_MS = 4000;
/** Arrivals and departures this close together make one notice… */
export const GATHER_MS = 700;
/** …but none waits longer than this. */
export const GATHER_MAX_MS = 2000;
/** Those who are there when we come in may be listed over a moment: no notice of them. */
export const SETTLE_MS = 1000;
/** After the pointer or focus leaves a notice, it stays at least this long. */
export const RESUME_MIN_MS = 2000;

const HOST_TEXT: Record<HostNotice['kind'], (by: string) => string> = {
  'ask-unmute': (by) => t('notices.askUnmute', { by }),
  muted: (by) => t('notices.muted', { by }),
  'video-stopped': (by) => t('notices.videoStopped', { by }),
};

/** "Bob", "Bob and Cy", "Bob, Cy and Dee", "Bob, Cy and 3 others" (in the current language). */
export function nameList(names: readonly string[]): string {
  const [first = '', second = '', third = ''] = names;
  if (names.length <= 1) return first;
  if (names.length === 2) return t('notices.two', { first, second });
  if (names.length === 3) return t('notices.three', { first, second, third });
  return t('notices.more', { first, second, count: names.length - 2 });
}

/** The text of one gathered notice of arrivals and departures, or null when nothing is left to say. */
export function presenceText(joined: readonly string[], left: readonly string[]): string | null {
  const parts = [joined.length ? t('notices.joined', { names: nameList(joined) }) : '', left.length ? t('notices.left', { names: nameList(left) }) : ''].filter(
    Boolean,
  );
  return parts.length ? parts.join(' · ') : null;
}

interface Timer {
  handle: unknown;
  endsAt: number;
  /** Time left while held (pointer or focus in it). */
  heldLeft: number | null;
}

const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class NoticeFeed {
  private readonly writable = new Store<readonly Toast[]>([]);
  /** Read-only for everyone else: only this class changes it. */
  readonly state: ReadonlyStore<readonly Toast[]> = this.writable;
  private readonly timers = new Map<string, Timer>();
  private readonly seenHostNotices = new Set<string>();
  private last: MeetingSnapshot | null = null;
  private settleUntil = 0;
  private joined = new Map<string, string>();
  private left = new Map<string, string>();
  private gather: { handle: unknown; startedAt: number } | null = null;
  private counter = 0;

  private hostNoticeGone: (hostKey: string) => void = () => undefined;

  constructor(private readonly clock: Clock = browserClock) {}

  /** Called when a host notice's toast goes (expired, dismissed or pushed out), for the session to forget it. */
  onHostNoticeGone(listener: (hostKey: string) => void): () => void {
    this.hostNoticeGone = listener;
    return () => {
      if (this.hostNoticeGone === listener) this.hostNoticeGone = () => undefined;
    };
  }

  /** The session's host notices: new ones become toasts, ones it no longer lists go. */
  syncHostNotices(notices: ReadonlyArray<HostNotice & { key: string }>): void {
    const listed = new Set(notices.map((n) => n.key));
    for (const toast of this.state.get()) if (toast.hostKey && !listed.has(toast.hostKey)) this.remove(toast.key, false);
    for (const notice of notices) {
      if (this.seenHostNotices.has(notice.key)) continue;
      this.seenHostNotices.add(notice.key);
      this.add({ kind: notice.kind, say: () => HOST_TEXT[notice.kind](notice.by), hostKey: notice.key }, NOTICE_MS);
    }
  }

  /** The call as it is now: a new host and people who came or went make notices. */
  observe(next: MeetingSnapshot): void {
    if (next.phase !== 'joined') {
      // Leaving, or reconnecting: what happens meanwhile is compared with the last meeting we saw.
      if (next.phase !== 'reconnecting') this.last = null;
      return;
    }
    const previous = this.last;
    this.last = next;
    const now = this.clock.now();
    if (!previous) {
      this.settleUntil = now + SETTLE_MS;
      return;
    }
    if (now < this.settleUntil) return;
    if (next.hostId !== null && next.hostId !== previous.hostId) {
      const name = next.people.find((p) => p.id === next.hostId)?.name;
      if (next.hostId === next.selfId) this.add({ kind: 'host-change', say: () => t('notices.youHost') }, NOTICE_MS);
      else if (name) this.add({ kind: 'host-change', say: () => t('notices.newHost', { name }) }, NOTICE_MS);
    }
    const before = new Map(previous.people.map((p) => [p.id, p.name]));
    const after = new Map(next.people.map((p) => [p.id, p.name]));
    let changed = false;
    for (const [id, name] of after) {
      if (before.has(id)) continue;
      changed = true;
      // Gone and back within the moment: nothing to say.
      if (!this.left.delete(id)) this.joined.set(id, name);
    }
    for (const [id, name] of before) {
      if (after.has(id)) continue;
      changed = true;
      if (!this.joined.delete(id)) this.left.set(id, name);
    }
    if (changed) this.scheduleGathered(now);
  }

  /** The person closed it. */
  dismiss(key: string): void {
    this.remove(key, true);
  }

  /** The pointer or focus is in it (`held`), or left it: its time stands still meanwhile. */
  hold(key: string, held: boolean): void {
    const timer = this.timers.get(key);
    if (!timer) return;
    if (held && timer.heldLeft === null) {
      this.clock.clearTimeout(timer.handle);
      timer.heldLeft = Math.max(0, timer.endsAt - this.clock.now());
    } else if (!held && timer.heldLeft !== null) {
      this.start(key, Math.max(timer.heldLeft, RESUME_MIN_MS));
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) this.clock.clearTimeout(timer.handle);
    this.timers.clear();
    if (this.gather) this.clock.clearTimeout(this.gather.handle);
    this.gather = null;
  }

  private scheduleGathered(now: number): void {
    const startedAt = this.gather?.startedAt ?? now;
    if (this.gather) this.clock.clearTimeout(this.gather.handle);
    const wait = Math.max(0, Math.min(GATHER_MS, startedAt + GATHER_MAX_MS - now));
    this.gather = { startedAt, handle: this.clock.setTimeout(() => this.flushGathered(), wait) };
  }

  private flushGathered(): void {
    this.gather = null;
    const joined = [...this.joined.values()];
    const left = [...this.left.values()];
    this.joined = new Map();
    this.left = new Map();
    if (!presenceText(joined, left)) return;
    // One notice of arrivals at a time: the new one replaces the last.
    for (const toast of this.state.get()) if (toast.kind === 'presence') this.remove(toast.key, false);
    this.add({ kind: 'presence', say: () => presenceText(joined, left) ?? '' }, PRESENCE_MS);
  }

  private add(toast: Omit<Toast, 'key' | 'text'>, ms: number): void {
    this.counter += 1;
    const key = `notice-${this.counter}`;
    const list = [...this.state.get(), { ...toast, text: toast.say(), key }];
    const pushedOut = list.slice(0, Math.max(0, list.length - MAX_TOASTS));
    this.writable.set(list.slice(-MAX_TOASTS));
    for (const old of pushedOut) this.forget(old);
    this.start(key, ms);
  }

  private start(key: string, ms: number): void {
    const timer = this.timers.get(key);
    if (timer) this.clock.clearTimeout(timer.handle);
    this.timers.set(key, { handle: this.clock.setTimeout(() => this.remove(key, true), ms), endsAt: this.clock.now() + ms, heldLeft: null });
  }

  private remove(key: string, tellSession: boolean): void {
    const toast = this.state.get().find((t) => t.key === key);
    if (!toast) return;
    this.writable.set(this.state.get().filter((t) => t.key !== key));
    if (tellSession) this.forget(toast);
    else this.stopTimer(key);
  }

  private forget(toast: Toast): void {
    this.stopTimer(toast.key);
    if (toast.hostKey) this.hostNoticeGone(toast.hostKey);
  }

  private stopTimer(key: string): void {
    const timer = this.timers.get(key);
    if (timer) this.clock.clearTimeout(timer.handle);
    this.timers.delete(key);
  }
}
