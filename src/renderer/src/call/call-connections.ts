import type { ConnectionFactory } from './mesh/slot-transceivers';
import { receiverOf } from './sfu/first-media';

/**
 * Every connection the call makes, kept until it is closed: our own microphone's level is read from
 * whichever connection sends it (no Web Audio running in the meeting), and a remote track's
 * receiver is found in whichever holds it.
 */
export class CallConnections {
  private readonly made = new Set<RTCPeerConnection>();

  constructor(private readonly make: ConnectionFactory) {}

  /** Makes a connection (for the transports) and keeps it. */
  readonly create: ConnectionFactory = (config) => {
    const pc = this.make(config);
    this.made.add(pc);
    return pc;
  };

  /** The receiver of a remote track, if one of our connections still holds it. */
  receiverOf(track: MediaStreamTrack): RTCRtpReceiver | null {
    return receiverOf(this.made, track);
  }

  /** The level (0..1) at which one of our connections sends `track` now, or null when none does. */
  async sendingLevel(track: MediaStreamTrack): Promise<number | null> {
    for (const pc of [...this.made]) {
      if (pc.signalingState === 'closed') {
        this.made.delete(pc);
        continue;
      }
      const sender = pc.getSenders().find((s) => s.track === track);
      if (!sender) continue;
      let level: number | null = null;
      (await sender.getStats()).forEach((entry: { type: string; kind?: string; audioLevel?: number }) => {
        if (entry.type === 'media-source' && entry.kind === 'audio' && entry.audioLevel !== undefined) level = entry.audioLevel;
      });
      if (level !== null) return level;
    }
    return null;
  }
}
