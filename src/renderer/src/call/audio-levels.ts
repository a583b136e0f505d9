import { createSpeakerTracker, type SpeakerTracker } from '../layout/active-speaker';
import type { PeerLink } from './peer-link';
import { Store } from './store';

/**
 * Watches how loud each remote participant is (the audio level their RTP packets carry, read from
 * the receiver: no decoding, no Web Audio) and keeps `speaker` on whoever is talking.
 */
export class ActiveSpeakerWatch {
  readonly speaker = new Store<string | null>(null);
  private readonly tracker: SpeakerTracker = createSpeakerTracker();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly links: () => Iterable<PeerLink>) {}

  start(intervalMs = 150): void {
    this.stop();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  sample(now = performance.now()): void {
    const levels = new Map<string, number>();
    for (const link of this.links()) {
      const receiver = link.receiver('audio');
      const level = receiver?.getSynchronizationSources()[0]?.audioLevel ?? 0;
      levels.set(link.remoteId, level);
    }
    this.speaker.set(this.tracker.update(levels, now));
  }
}
