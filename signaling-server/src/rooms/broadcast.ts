import type { Member } from './registry.js';
import { toParticipant } from './registry.js';
import type { SignalingIo } from './io.js';

/** At most one `participant-updated` per person per this long; the last change always goes out. */
export const STATE_BROADCAST_MS = 100;

/**
 * Sends a participant's new state to their meeting, at most every STATE_BROADCAST_MS: someone
 * toggling their microphone a hundred times a second makes ten messages to each of the others,
 * the last of them with where they ended up.
 */
export class StateBroadcaster {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly watchers: Array<(member: Member) => void> = [];

  constructor(
    private readonly io: SignalingIo,
    private readonly now: () => number,
    private readonly current: (room: string, id: string) => Member | undefined,
  ) {}

  /** Told of every change as it is made (a cluster saves it for a node that may take the meeting over). */
  watch(watcher: (member: Member) => void): void {
    this.watchers.push(watcher);
  }

  /** `member` changed: everyone in the meeting (them included) hears of it, now or shortly. */
  changed(member: Member): void {
    for (const watcher of this.watchers) watcher(member);
    const key = `${member.room}|${member.id}`;
    if (this.pending.has(key)) return;
    const wait = (this.last.get(key) ?? Number.NEGATIVE_INFINITY) + STATE_BROADCAST_MS - this.now();
    if (wait <= 0) return this.send(key, member.room, member.id);
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.send(key, member.room, member.id);
    }, wait);
    timer.unref?.();
    this.pending.set(key, timer);
  }

  /** They left: nothing more of theirs goes out. */
  forget(room: string, id: string): void {
    const key = `${room}|${id}`;
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.last.delete(key);
  }

  private send(key: string, room: string, id: string): void {
    const member = this.current(room, id);
    if (!member) return;
    this.last.set(key, this.now());
    this.io.to(room).emit('participant-updated', toParticipant(member));
  }
}
