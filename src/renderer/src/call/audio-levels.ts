import { createSpeakerTracker, type SpeakerTracker } from '../layout/active-speaker';
import { levelBetween, receivedAudioEnergy, receivedAudioPackets, type AudioEnergy } from './stats';
import { Store } from './store';
import type { RemotePeer } from './transport';

/**
 * How often the levels are read. Each reading is the average over the whole interval, so a longer
 * one loses nothing said; every reading costs a statistics report per participant, which a busy
 * page felt at the 150 ms this once was (a tenth of a core, with three others in the meeting).
 */
const SAMPLE_MS = 400;
/** The tracker's moving average, expressed in time so that it does not depend on SAMPLE_MS. */
const SMOOTHING_MS = 350;

/**
 * Watches how loud each remote participant is (the energy of their audio as it plays, from the
 * receiver's own statistics: no Web Audio) and keeps `speaker` on whoever is talking.
 *
 * Asynchronous on purpose: `getSynchronizationSources()` would be simpler, but it is a blocking call
 * into WebRTC's worker thread, and a busy machine held the page up to 140 ms on it, every few
 * samples, right while a newcomer's connection was being set up. Links that are not connected yet
 * are not asked at all. The same readings serve as each connection's heartbeat: how many audio
 * packets arrived (RemotePeer.noteAudioPackets).
 */
export class ActiveSpeakerWatch {
  readonly speaker = new Store<string | null>(null);
  private readonly tracker: SpeakerTracker = createSpeakerTracker({ smoothing: 1 - Math.exp(-SAMPLE_MS / SMOOTHING_MS) });
  private timer: ReturnType<typeof setInterval> | undefined;
  private sampling = false;
  /** Each receiver's previous reading, to take the next one's difference from. */
  private readonly readings = new WeakMap<RTCRtpReceiver, AudioEnergy>();

  constructor(private readonly peers: () => Iterable<RemotePeer>) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
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
      const levels = await Promise.all([...this.peers()].map(async (peer) => [peer.remoteId, await this.level(peer)] as const));
      this.speaker.set(this.tracker.update(new Map(levels), now));
    } finally {
      this.sampling = false;
    }
  }

  /** 0 while not connected or when unknown. */
  private async level(peer: RemotePeer): Promise<number> {
    const receiver = peer.receiver('audio');
    if (!receiver || peer.connectionState !== 'connected') return 0;
    const report = await receiver.getStats().catch(() => null); // null: closed meanwhile
    if (!report) return 0;
    // The same reading tells the link whether their audio still arrives (see noteAudioPackets).
    const packets = receivedAudioPackets(report);
    if (packets !== null) peer.noteAudioPackets(packets);
    const reading = receivedAudioEnergy(report);
    if (!reading) return 0;
    const level = levelBetween(this.readings.get(receiver), reading);
    this.readings.set(receiver, reading);
    return level;
  }
}
