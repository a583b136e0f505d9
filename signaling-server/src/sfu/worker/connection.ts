import { type PeerConnection, type RtcConfig, type Track } from 'node-datachannel';
import { type SfuProcessOptions } from '../control.js';

/** How long the SFU waits for its own ICE candidates (host candidates only: a few ms). */
const GATHERING_MS = 5000;

/** The settings of every connection the SFU makes. */
export function rtcConfig(options: SfuProcessOptions): RtcConfig {
  const config: RtcConfig = { iceServers: [], bindAddress: options.bindAddress };
  if (options.portRangeBegin > 0 && options.portRangeBegin === options.portRangeEnd) {
    // One UDP port for every connection (libdatachannel's ICE UDP mux).
    config.enableIceUdpMux = true;
  }
  if (options.portRangeBegin > 0) {
    config.portRangeBegin = options.portRangeBegin;
    config.portRangeEnd = Math.max(options.portRangeBegin, options.portRangeEnd);
  }
  return config;
}

/** The local description once its candidates are gathered (the SFU sends no trickled ones). */
export function gathered(pc: PeerConnection): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      const sdp = pc.localDescription()?.sdp;
      if (sdp) resolve(sdp);
      else reject(new Error('no local description'));
    };
    const timer = setTimeout(() => reject(new Error('ICE gathering did not complete')), GATHERING_MS);
    if (pc.gatheringState() === 'complete') done();
    else pc.onGatheringStateChange((state) => state === 'complete' && done());
  });
}

/** Sends on a track if it is open; false if it is not (closing, or not yet up). */
export function sendOn(track: Track | null, packet: Buffer): boolean {
  if (!track?.isOpen()) return false;
  try {
    return track.sendMessageBinary(packet);
  } catch {
    return false;
  }
}

/** A random 32-bit SSRC that is none of `taken`. */
export function randomSsrc(taken: (ssrc: number) => boolean = () => false): number {
  for (;;) {
    const ssrc = (Math.floor(Math.random() * 0xfffffff0) + 1) >>> 0;
    if (!taken(ssrc)) return ssrc;
  }
}
