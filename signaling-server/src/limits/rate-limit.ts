/** How much one connection may send before the server refuses, and then drops, it. */
export interface ConnectionLimits {
  /** Events per second, sustained. */
  eventsPerSecond: number;
  /** Events that may arrive at once (joining a full room sends an offer and candidates to each). */
  eventBurst: number;
  /** Bytes per second of incoming frames, sustained. */
  bytesPerSecond: number;
  byteBurst: number;
  /**
   * Refusals (over a rate, or an oversized payload) tolerated before the connection is dropped;
   * they fade at `forgivePerSecond`, so a short excess is only refused while a persistent one is
   * cut off.
   */
  maxStrikes: number;
  forgivePerSecond: number;
  /** Largest frame, in bytes, that does not count as a strike (a payload over the limit plus framing). */
  maxFrameBytes: number;
}

export type LimitRefusal = { code: 'rate-limited'; message: string };

/** A token bucket: `capacity` tokens, refilled at `rate` per second; it may run into debt. */
export class TokenBucket {
  private level: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    private readonly now: () => number,
  ) {
    this.level = capacity;
    this.last = now();
  }

  /** Tokens available now (negative while in debt). */
  available(): number {
    const t = this.now();
    this.level = Math.min(this.capacity, this.level + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    return this.level;
  }

  /** Takes `amount` if there is that much; false (and nothing taken) otherwise. */
  take(amount = 1): boolean {
    if (this.available() < amount) return false;
    this.level -= amount;
    return true;
  }

  /** Takes `amount` whatever there is: what has already arrived has to be paid for. */
  spend(amount: number): void {
    this.available();
    this.level -= amount;
  }
}

/**
 * One connection's budget. `frame` is told the size of every frame as it arrives; `admit` is asked
 * before each event is handled and returns why it is refused, if it is. Refusals count as strikes;
 * past `maxStrikes` the connection is dropped through `drop` (once).
 */
export class ConnectionGuard {
  private readonly events: TokenBucket;
  private readonly bytes: TokenBucket;
  private strikes = 0;
  private lastStrike: number;
  private dropped = false;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly drop: (why: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.events = new TokenBucket(limits.eventsPerSecond, limits.eventBurst, now);
    this.bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst, now);
    this.lastStrike = now();
  }

  /** Accounts for one incoming frame of `size` bytes. */
  frame(size: number): void {
    this.bytes.spend(size);
    if (size > this.limits.maxFrameBytes) this.strike(`a ${size}-byte frame`);
  }

  admit(event: string): LimitRefusal | null {
    if (this.bytes.available() < 0) {
      this.strike('bytes');
      return { code: 'rate-limited', message: `"${event}" refused: more than ${this.limits.bytesPerSecond} bytes per second; slow down` };
    }
    if (!this.events.take()) {
      this.strike('events');
      return { code: 'rate-limited', message: `"${event}" refused: more than ${this.limits.eventsPerSecond} events per second; slow down` };
    }
    return null;
  }

  private strike(what: string): void {
    const t = this.now();
    this.strikes = Math.max(0, this.strikes - ((t - this.lastStrike) / 1000) * this.limits.forgivePerSecond) + 1;
    this.lastStrike = t;
    if (this.strikes > this.limits.maxStrikes && !this.dropped) {
      this.dropped = true;
      this.drop(`kept exceeding its limits (${what})`);
    }
  }
}
