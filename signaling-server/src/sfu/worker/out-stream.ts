/**
 * One subscriber's view of one forwarded stream: the SSRC, sequence numbers and timestamps it
 * sees stay continuous whatever the SFU forwards on it over time (another simulcast layer, a
 * pause, someone else's media on a reused m-line).
 */

const VIDEO_TICKS_PER_MS = 90;
const AUDIO_TICKS_PER_MS = 48;

/** Rebases a stream's numbering so that what follows continues what was sent. */
class Numbering {
  private seqOffset = 0;
  private tsOffset = 0;
  /** The last sequence number and timestamp sent (-1: nothing yet). */
  private lastSeq = -1;
  private lastTs = 0;
  private lastSentAt = 0;
  /** The rewritten values of the packet `map` accepted last. */
  seq = 0;
  timestamp = 0;

  constructor(
    private readonly ticksPerMs: number,
    firstSeq: number,
  ) {
    this.lastSeq = -1;
    this.seqOffset = firstSeq;
  }

  /** The packet (`seq`, `timestamp`) continues the stream: the next sequence number, time moved on. */
  rebase(seq: number, timestamp: number, now: number, keepTime: boolean): void {
    if (this.lastSeq < 0) {
      this.seqOffset = (this.seqOffset - seq) & 0xffff;
      this.tsOffset = (Math.floor(Math.random() * 0x100000000) - timestamp) >>> 0;
      return;
    }
    this.seqOffset = (this.lastSeq + 1 - seq) & 0xffff;
    if (!keepTime) {
      const elapsed = Math.max(1, Math.round((now - this.lastSentAt) * this.ticksPerMs));
      this.tsOffset = (this.lastTs + elapsed - timestamp) >>> 0;
    }
  }

  /** A timestamp of the current source as the subscriber sees it (null before anything was sent). */
  translate(timestamp: number): number | null {
    return this.lastSeq < 0 ? null : (timestamp + this.tsOffset) >>> 0;
  }

  apply(seq: number, timestamp: number, now: number): void {
    this.seq = (seq + this.seqOffset) & 0xffff;
    this.timestamp = (timestamp + this.tsOffset) >>> 0;
    // Only a newer packet moves the numbering on (a retransmission does not).
    if (this.lastSeq < 0 || ((this.seq - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = this.seq;
      this.lastTs = this.timestamp;
      this.lastSentAt = now;
    }
  }
}

const randomSeq = (): number => Math.floor(Math.random() * 0x8000);

/**
 * A forwarded video: the layer it gets and, when another is wanted, the switch at that layer's
 * next key frame (nothing of the new layer before it; the old one goes on until then).
 */
export class VideoOut {
  /** The layer being forwarded, or null. */
  layer: number | null = null;
  /** The layer wanted from its next key frame on, or null. */
  pending: number | null = null;
  /** When `pending` was set (performance.now()). */
  pendingSince = 0;
  /** The first sequence number of the current layer forwarded (older ones are not). */
  private since = 0;
  private readonly numbering = new Numbering(VIDEO_TICKS_PER_MS, randomSeq());
  switches = 0;

  constructor(readonly ssrc: number) {}

  get seq(): number {
    return this.numbering.seq;
  }

  get timestamp(): number {
    return this.numbering.timestamp;
  }

  /**
   * Forward `layer` from its next key frame on (null: nothing from now on). Returns whether a key
   * frame of that layer must be asked for.
   */
  want(layer: number | null, now: number): boolean {
    if (layer === null) {
      this.layer = null;
      this.pending = null;
      return false;
    }
    if (layer === this.layer) {
      this.pending = null;
      return false;
    }
    if (layer !== this.pending) this.pendingSince = now;
    this.pending = layer;
    return true;
  }

  /** A timestamp of `layer` as the subscriber sees it, if that is the layer it gets (for sender reports). */
  translate(layer: number, timestamp: number): number | null {
    return layer === this.layer ? this.numbering.translate(timestamp) : null;
  }

  /** The source changed (someone else's camera on this m-line, or a new connection of theirs). */
  restart(layer: number | null, now: number): void {
    this.layer = null;
    this.pending = null;
    this.want(layer, now);
  }

  /**
   * Whether a packet of `layer` is forwarded; if so `seq`/`timestamp` hold its rewritten values.
   * A pending layer is taken at the start of its next key frame.
   */
  map(layer: number, seq: number, timestamp: number, keyframeStart: () => boolean, now: number): boolean {
    if (layer === this.pending && keyframeStart()) {
      this.numbering.rebase(seq, timestamp, now, false);
      this.layer = layer;
      this.pending = null;
      this.since = seq;
      this.switches++;
    } else if (layer !== this.layer || ((seq - this.since) & 0xffff) >= 0x8000) {
      return false;
    }
    this.numbering.apply(seq, timestamp, now);
    return true;
  }
}

/** A forwarded audio stream: gaps (muted, not among the loudest) and new sources are hidden. */
export class AudioOut {
  private source: unknown = null;
  private resume = true;
  private sameSource = false;
  private readonly numbering = new Numbering(AUDIO_TICKS_PER_MS, randomSeq());

  constructor(readonly ssrc: number) {}

  get seq(): number {
    return this.numbering.seq;
  }

  get timestamp(): number {
    return this.numbering.timestamp;
  }

  /** A timestamp of `source` as the subscriber sees it, if that is what it gets now (for sender reports). */
  translate(source: unknown, timestamp: number): number | null {
    return source === this.source ? this.numbering.translate(timestamp) : null;
  }

  /** A packet was held back: the next one forwarded continues the numbering. */
  gap(): void {
    this.resume = true;
  }

  /** Rewrites a packet of `source` (any identity: a new one restarts the timing). */
  map(source: unknown, seq: number, timestamp: number, now: number): void {
    if (source !== this.source) {
      this.source = source;
      this.resume = true;
      this.sameSource = false;
    }
    if (this.resume) {
      // The same source keeps its timing (its timestamps went on during the gap).
      this.numbering.rebase(seq, timestamp, now, this.sameSource);
      this.resume = false;
      this.sameSource = true;
    }
    this.numbering.apply(seq, timestamp, now);
  }
}
