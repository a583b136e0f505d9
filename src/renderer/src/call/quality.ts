import { summarizeStats, type LinkStats } from './stats';
import { Store } from './store';
import type { RemotePeer } from './transport';

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

/** One connection's health, for the indicator on a tile. */
export interface LinkQuality {
  level: QualityLevel;
  rttMs: number | null;
  /** Packets lost of those expected since the last sample, 0..1. */
  loss: number;
  /** Received and sent bits per second since the last sample. */
  bitrateIn: number;
  bitrateOut: number;
  resolution: { width: number; height: number };
  framesPerSecond: number;
}

export function qualityLevel(rttMs: number | null, loss: number): QualityLevel {
  if (rttMs === null) return 'unknown';
  if (loss > 0.08 || rttMs > 400) return 'poor';
  if (loss > 0.02 || rttMs > 150) return 'fair';
  return 'good';
}

/** The quality of a link from two consecutive stats summaries. */
export function qualityBetween(previous: LinkStats | undefined, current: LinkStats): LinkQuality {
  const seconds = previous ? Math.max(0.001, (current.timestamp - previous.timestamp) / 1000) : 0;
  const delta = (a: number, b: number | undefined): number => (previous && b !== undefined ? Math.max(0, a - b) : 0);
  const received = delta(
    current.audio.packetsReceived + current.video.packetsReceived,
    previous && previous.audio.packetsReceived + previous.video.packetsReceived,
  );
  const lost = delta(current.audio.packetsLost + current.video.packetsLost, previous && previous.audio.packetsLost + previous.video.packetsLost);
  const loss = received + lost > 0 ? lost / (received + lost) : 0;
  const bytesIn = delta(current.audio.bytesReceived + current.video.bytesReceived, previous && previous.audio.bytesReceived + previous.video.bytesReceived);
  const bytesOut = delta(current.sent.audioBytes + current.sent.videoBytes, previous && previous.sent.audioBytes + previous.sent.videoBytes);
  return {
    level: qualityLevel(current.rttMs, loss),
    rttMs: current.rttMs,
    loss,
    bitrateIn: seconds ? Math.round((bytesIn * 8) / seconds) : 0,
    bitrateOut: seconds ? Math.round((bytesOut * 8) / seconds) : 0,
    resolution: { width: current.video.frameWidth, height: current.video.frameHeight },
    framesPerSecond: current.video.framesPerSecond,
  };
}

/** Samples the statistics of every remote peer every couple of seconds. */
export class QualityMonitor {
  readonly quality = new Store<Readonly<Record<string, LinkQuality>>>({});
  private readonly last = new Map<string, LinkStats>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly peers: () => Iterable<RemotePeer>) {}

  start(intervalMs = 2000): void {
    this.stop();
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async sample(): Promise<void> {
    const next: Record<string, LinkQuality> = {};
    const seen = new Set<string>();
    for (const peer of [...this.peers()]) {
      seen.add(peer.remoteId);
      // A connection still being set up has nothing to say yet, and getStats would compete with it.
      // Once it has been up, it is sampled whatever its state: an outage is when the bars matter.
      if (!this.last.has(peer.remoteId) && peer.connectionState !== 'connected') continue;
      try {
        const stats = summarizeStats(await peer.getStats());
        next[peer.remoteId] = qualityBetween(this.last.get(peer.remoteId), stats);
        this.last.set(peer.remoteId, stats);
      } catch {
        // closed meanwhile
      }
    }
    for (const id of [...this.last.keys()]) if (!seen.has(id)) this.last.delete(id);
    this.quality.set(next);
  }
}
