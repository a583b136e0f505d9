import { type ReportBlock } from './rtcp.js';

/** How long a missing packet is asked for again (NACK), and how often at most. */
const NACK_RETRY_MS = 40;
const NACK_TRIES = 3;
const NACK_MAX_PENDING = 64;

/**
 * What the SFU knows of one incoming RTP stream (one SSRC of a publisher): sequence numbers for
 * its receiver reports and NACKs, the last sender report, the bytes that arrived, when the last
 * packet came. RFC 3550 appendix A.3 (loss), without jitter (reported as 0).
 */
export class ReceiveStats {
  private cycles = 0;
  private maxSeq = -1;
  private baseSeq = 0;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private lastSrNtp = 0;
  private lastSrAt = 0;
  /** Missing sequence numbers (extended) -> tries so far and when last asked. */
  private readonly missing = new Map<number, { tries: number; at: number }>();
  bytes = 0;
  lastPacketAt = -Infinity;

  constructor(readonly ssrc: number) {}

  /** Counts a packet; returns whether it is new (not a repeat or a late retransmission). */
  packet(seq: number, bytes: number, now: number): boolean {
    this.lastPacketAt = now;
    this.bytes += bytes;
    if (this.maxSeq < 0) {
      this.maxSeq = seq;
      this.baseSeq = seq;
      this.received = 1;
      return true;
    }
    const delta = (seq - this.maxSeq) & 0xffff;
    if (delta === 0) return false;
    if (delta < 0x8000) {
      // Newer: anything skipped is missing until it comes.
      const extendedMax = this.cycles + this.maxSeq;
      if (delta > 1 && delta < 1000) {
        for (let s = 1; s < delta && this.missing.size < NACK_MAX_PENDING; s++) this.missing.set(extendedMax + s, { tries: 0, at: -Infinity });
      }
      if (seq < this.maxSeq) this.cycles += 0x10000;
      this.maxSeq = seq;
      this.received++;
      return true;
    }
    // Older: a retransmission or a reordered packet.
    const extended = this.cycles + this.maxSeq - ((this.maxSeq - seq) & 0xffff);
    if (this.missing.delete(extended)) {
      this.received++;
      return true;
    }
    return false;
  }

  get hasMissing(): boolean {
    return this.missing.size > 0;
  }

  /** Sequence numbers to ask for again now (each at most NACK_TRIES times), oldest dropped. */
  nacks(now: number): number[] {
    const out: number[] = [];
    const newest = this.cycles + this.maxSeq;
    for (const [extended, state] of this.missing) {
      if (state.tries >= NACK_TRIES || newest - extended > 2000) {
        this.missing.delete(extended);
        continue;
      }
      if (now - state.at < NACK_RETRY_MS) continue;
      state.tries++;
      state.at = now;
      out.push(extended & 0xffff);
    }
    return out;
  }

  senderReport(ntpMiddle: number, now: number): void {
    this.lastSrNtp = ntpMiddle;
    this.lastSrAt = now;
  }

  /** The report block for this stream; the next one counts loss from here. */
  reportBlock(now: number): (ReportBlock & { expectedInterval: number; lostInterval: number }) | null {
    if (this.maxSeq < 0) return null;
    const extendedMax = this.cycles + this.maxSeq;
    const expected = extendedMax - this.baseSeq + 1;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    return {
      ssrc: this.ssrc,
      fractionLost: expectedInterval > 0 && lostInterval > 0 ? lostInterval / expectedInterval : 0,
      cumulativeLost: expected - this.received,
      extendedHighestSeq: extendedMax,
      jitter: 0,
      lastSr: this.lastSrNtp,
      delaySinceLastSr: this.lastSrAt > 0 ? Math.round(((now - this.lastSrAt) / 1000) * 65536) : 0,
      expectedInterval,
      lostInterval: Math.max(0, lostInterval),
    };
  }
}

/**
 * The bitrate a publisher may send (REMB), from the loss its video streams see: down towards what
 * arrives when more than 10 % is lost, up by 8 % a second below 2 % (the loss-based half of
 * Google's congestion control, run at the receiver). A LAN without loss lets it climb to `max`.
 */
export class BitrateEstimate {
  private estimate: number;

  constructor(
    private readonly min = 100_000,
    private readonly max = 10_000_000,
    start = 10_000_000,
  ) {
    this.estimate = start;
  }

  /** One interval's figures: the share of packets lost and the bits per second that arrived. */
  update(lossFraction: number, receivedBps: number): number {
    if (lossFraction > 0.1) this.estimate = Math.max(this.min, Math.min(this.estimate, receivedBps * (1 - 0.5 * lossFraction)));
    else if (lossFraction < 0.02) this.estimate = Math.min(this.max, Math.max(this.estimate, receivedBps) * 1.08);
    return Math.round(this.estimate);
  }

  get bitrate(): number {
    return Math.round(this.estimate);
  }
}
