/**
 * The part of an SFU we would write whatever the stack: which layer each subscriber gets, and the
 * rewriting that makes the layers it is given one continuous stream (SSRC, sequence numbers,
 * timestamps). Both spike SFUs use it, so they differ only in what their stack does.
 */
import { FPS, LAYERS, VIDEO_CLOCK } from './media';
import type { SfuStats } from './protocol';

/** One subscriber's outgoing video: the layer it gets and the offsets that hide layer changes. */
export class OutStream {
  layer: number | null = null;
  pending: number | null;
  private seqOffset = 0;
  private tsOffset = 0;
  private lastSeq = -1;
  private lastTs = 0;
  /** The rewritten sequence number and timestamp of the packet `map` accepted last. */
  seq = 0;
  timestamp = 0;

  constructor(
    readonly ssrc: number,
    layer: number,
  ) {
    this.pending = layer;
  }

  /** Forward `layer` from its next key frame on. Returns whether a key frame must be asked for. */
  want(layer: number): boolean {
    if (layer === this.layer) {
      this.pending = null;
      return false;
    }
    this.pending = layer;
    return true;
  }

  /**
   * Whether a packet of `layer` goes to this subscriber; if so `seq`/`timestamp` hold its rewritten
   * values. A pending layer is taken at the start of its next key frame, continuing the numbering.
   */
  map(layer: number, seq: number, timestamp: number, keyframeStart: () => boolean, stats: SfuStats): boolean {
    if (layer === this.pending && keyframeStart()) {
      if (this.lastSeq < 0) {
        this.seqOffset = (1 - seq) & 0xffff;
        this.tsOffset = (0 - timestamp) >>> 0;
      } else {
        this.seqOffset = (this.lastSeq + 1 - seq) & 0xffff;
        this.tsOffset = (this.lastTs + VIDEO_CLOCK / FPS - timestamp) >>> 0;
      }
      this.layer = layer;
      this.pending = null;
      stats.switches++;
    }
    if (layer !== this.layer) return false;
    this.seq = (seq + this.seqOffset) & 0xffff;
    this.timestamp = (timestamp + this.tsOffset) >>> 0;
    // Only a newer packet moves the numbering on (a retransmission does not).
    if (this.lastSeq < 0 || ((this.seq - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = this.seq;
      this.lastTs = this.timestamp;
    }
    return true;
  }
}

export function emptyStats(): SfuStats {
  return {
    rtpIn: 0,
    rtpOut: 0,
    rtcpIn: 0,
    pliFromSubscribers: 0,
    keyframeRequestsUpstream: 0,
    switches: 0,
    streams: {},
    audio: { packets: 0, withLevel: 0, lastLevelDbov: null },
    unplaced: 0,
  };
}

export function countStream(stats: SfuStats, rid: string, ssrc: number, bytes: number): void {
  const stream = (stats.streams[rid] ??= { ssrc, packets: 0, bytes: 0 });
  stream.ssrc = ssrc;
  stream.packets++;
  stream.bytes += bytes;
}

/**
 * Asks for a key frame of a layer at most once per 300 ms; a request inside that time is sent
 * when it ends (a subscriber that joins just after another must not wait for ever).
 */
export class KeyframeThrottle {
  private readonly last = LAYERS.map(() => -Infinity);
  private readonly deferred = LAYERS.map(() => false);
  constructor(private readonly request: (layer: number) => boolean) {}
  ask(layer: number, stats: SfuStats): void {
    const wait = 300 - (performance.now() - (this.last[layer] ?? -Infinity));
    if (wait > 0) {
      if (!this.deferred[layer]) {
        this.deferred[layer] = true;
        setTimeout(() => {
          this.deferred[layer] = false;
          this.ask(layer, stats);
        }, wait).unref();
      }
      return;
    }
    if (this.request(layer)) {
      this.last[layer] = performance.now();
      stats.keyframeRequestsUpstream++;
    }
  }
}

export const layerOfRid = (rid: string): number => LAYERS.findIndex((l) => l.rid === rid);
