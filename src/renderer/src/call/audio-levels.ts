import { createSpeakerTracker, type SpeakerTracker } from '../layout/active-speaker';
import type { PeerLink } from './peer-link';
import { Store } from './store';

/**
 * Watches how loud each remote participant is (the energy of their audio as it plays, from the
 * receiver's own statistics: no Web Audio) and keeps `speaker` on whoever is talking.
 *
 * Asynchronous on purpose: `getSynchronizationSources()` would be simpler, but it is a blocking call
 * into WebRTC's worker thread, and a busy machine held the page up to 140 ms on it, every few
 * samples, right while a newcomer's connection was being set up. Links that are not connected yet
 * are not asked at all.
 */
export class ActiveSpeakerWatch {
  readonly speaker = new Store<string | null>(null);
  private readonly tracker: SpeakerTracker = createSpeakerTracker();
  private timer: ReturnType<typeof setInterval> | undefined;
  private sampling = false;

  constructor(private readonly links: () => Iterable<PeerLink>) {}

  start(intervalMs = 150): void {
    this.stop();
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async sample(now = performance.now()): Promise<void> {
    // A slow round is not stacked under the next one.
    if (this.sampling) return;
    this.sampling = true;
    try {
      const levels = await Promise.all([...this.links()].map(async (link) => [link.remoteId, await audioLevel(link)] as const));
      this.speaker.set(this.tracker.update(new Map(levels), now));
    } finally {
      this.sampling = false;
    }
  }
}

interface EnergyReading {
  energy: number;
  seconds: number;
}

/** The last energy reading of each receiver, to take the next one's difference from. */
const lastReading = new WeakMap<RTCRtpReceiver, EnergyReading>();

/**
 * 0..1, linear: the root mean square of the audio level over the time since the previous sample
 * (the statistics' total energy and duration, as the spec suggests), like the level an RTP packet
 * carries; 0 while not connected or when unknown.
 */
async function audioLevel(link: PeerLink): Promise<number> {
  const receiver = link.receiver('audio');
  if (!receiver || link.pc.connectionState !== 'connected') return 0;
  let reading: EnergyReading | undefined;
  try {
    (await receiver.getStats()).forEach((entry: { type: string; kind?: string; totalAudioEnergy?: number; totalSamplesDuration?: number }) => {
      if (entry.type !== 'inbound-rtp' || entry.kind !== 'audio') return;
      if (typeof entry.totalAudioEnergy === 'number' && typeof entry.totalSamplesDuration === 'number') {
        reading = { energy: entry.totalAudioEnergy, seconds: entry.totalSamplesDuration };
      }
    });
  } catch {
    return 0; // closed meanwhile
  }
  if (!reading) return 0;
  const previous = lastReading.get(receiver);
  lastReading.set(receiver, reading);
  const seconds = previous ? reading.seconds - previous.seconds : 0;
  return seconds > 0 ? Math.min(1, Math.sqrt(Math.max(0, reading.energy - previous!.energy) / seconds)) : 0;
}
