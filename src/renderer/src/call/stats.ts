/** What one peer connection is doing, boiled down from getStats() for people and tests. */
export interface LinkStats {
  /** Round-trip time of the selected candidate pair, in ms. */
  rttMs: number | null;
  audio: { packetsReceived: number; packetsLost: number; bytesReceived: number };
  video: {
    packetsReceived: number;
    packetsLost: number;
    bytesReceived: number;
    framesDecoded: number;
    frameWidth: number;
    frameHeight: number;
    framesPerSecond: number;
  };
  sent: { audioBytes: number; videoBytes: number; frameWidth: number; frameHeight: number };
  timestamp: number;
}

interface Inbound {
  type: 'inbound-rtp';
  kind: string;
  mid?: string;
  packetsReceived?: number;
  packetsLost?: number;
  bytesReceived?: number;
  framesDecoded?: number;
  frameWidth?: number;
  frameHeight?: number;
  framesPerSecond?: number;
  totalAudioEnergy?: number;
  totalSamplesDuration?: number;
}

interface Outbound {
  type: 'outbound-rtp';
  kind: string;
  bytesSent?: number;
  frameWidth?: number;
  frameHeight?: number;
}

interface Pair {
  type: 'candidate-pair';
  state?: string;
  nominated?: boolean;
  currentRoundTripTime?: number;
}

/** Sums the camera/microphone streams (the first audio and video m-lines). */
export function summarizeStats(report: RTCStatsReport, now = Date.now()): LinkStats {
  const stats: LinkStats = {
    rttMs: null,
    audio: { packetsReceived: 0, packetsLost: 0, bytesReceived: 0 },
    video: { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, framesDecoded: 0, frameWidth: 0, frameHeight: 0, framesPerSecond: 0 },
    sent: { audioBytes: 0, videoBytes: 0, frameWidth: 0, frameHeight: 0 },
    timestamp: now,
  };
  report.forEach((entry: { type: string }) => {
    if (entry.type === 'inbound-rtp') {
      const inbound = entry as Inbound;
      if (inbound.kind === 'audio' && inbound.mid === '0') {
        stats.audio.packetsReceived += inbound.packetsReceived ?? 0;
        stats.audio.packetsLost += inbound.packetsLost ?? 0;
        stats.audio.bytesReceived += inbound.bytesReceived ?? 0;
      } else if (inbound.kind === 'video' && inbound.mid === '1') {
        stats.video.packetsReceived += inbound.packetsReceived ?? 0;
        stats.video.packetsLost += inbound.packetsLost ?? 0;
        stats.video.bytesReceived += inbound.bytesReceived ?? 0;
        stats.video.framesDecoded += inbound.framesDecoded ?? 0;
        stats.video.frameWidth = inbound.frameWidth ?? stats.video.frameWidth;
        stats.video.frameHeight = inbound.frameHeight ?? stats.video.frameHeight;
        stats.video.framesPerSecond = inbound.framesPerSecond ?? stats.video.framesPerSecond;
      }
    } else if (entry.type === 'outbound-rtp') {
      const outbound = entry as Outbound;
      if (outbound.kind === 'audio') stats.sent.audioBytes += outbound.bytesSent ?? 0;
      else {
        stats.sent.videoBytes += outbound.bytesSent ?? 0;
        stats.sent.frameWidth = Math.max(stats.sent.frameWidth, outbound.frameWidth ?? 0);
        stats.sent.frameHeight = Math.max(stats.sent.frameHeight, outbound.frameHeight ?? 0);
      }
    } else if (entry.type === 'candidate-pair') {
      const pair = entry as Pair;
      if (pair.state === 'succeeded' && pair.nominated && pair.currentRoundTripTime !== undefined) stats.rttMs = pair.currentRoundTripTime * 1000;
    }
  });
  return stats;
}

/** How much audio energy a receiver has played out so far, over how many seconds (the spec's totals). */
export interface AudioEnergy {
  energy: number;
  seconds: number;
}

/** The totals of the received audio in a receiver's report, if it has them yet. */
export function receivedAudioEnergy(report: RTCStatsReport): AudioEnergy | null {
  let found: AudioEnergy | null = null;
  report.forEach((entry: { type: string }) => {
    const inbound = entry as Inbound;
    if (inbound.type !== 'inbound-rtp' || inbound.kind !== 'audio') return;
    if (inbound.totalAudioEnergy !== undefined && inbound.totalSamplesDuration !== undefined) {
      found = { energy: inbound.totalAudioEnergy, seconds: inbound.totalSamplesDuration };
    }
  });
  return found;
}

/** How many audio packets a receiver's report says arrived so far, if it has an inbound stream yet. */
export function receivedAudioPackets(report: RTCStatsReport): number | null {
  let found: number | null = null;
  report.forEach((entry: { type: string }) => {
    const inbound = entry as Inbound;
    if (inbound.type === 'inbound-rtp' && inbound.kind === 'audio' && inbound.packetsReceived !== undefined) found = inbound.packetsReceived;
  });
  return found;
}

/**
 * The audio level (0..1, linear) between two readings: the root mean square over that time, as
 * the spec suggests; 0 with no earlier reading or no time between them.
 */
export function levelBetween(previous: AudioEnergy | undefined, current: AudioEnergy): number {
  const seconds = previous ? current.seconds - previous.seconds : 0;
  if (!previous || seconds <= 0) return 0;
  return Math.min(1, Math.sqrt(Math.max(0, current.energy - previous.energy) / seconds));
}

/** How long since anything arrived on `pc`'s path (its selected candidate pair); Infinity: never, or closed. */
export async function silentForMs(pc: RTCPeerConnection): Promise<number> {
  let silent = Number.POSITIVE_INFINITY;
  try {
    const report = await pc.getStats();
    report.forEach((entry: { type: string; selectedCandidatePairId?: string }) => {
      if (entry.type !== 'transport' || !entry.selectedCandidatePairId) return;
      const pair = report.get(entry.selectedCandidatePairId) as { timestamp: number; lastPacketReceivedTimestamp?: number } | undefined;
      if (pair?.lastPacketReceivedTimestamp !== undefined) silent = Math.min(silent, pair.timestamp - pair.lastPacketReceivedTimestamp);
    });
  } catch {
    // closed meanwhile
  }
  return silent;
}
