import type { SfuLayers, SfuOffer } from '@roundtable/signaling-server/protocol';
import type { SignalingClient } from '../signaling-client';
import type { Slot } from '../slots';

/** A camera or screen as the subscriber shows it, for the SFU's choice of layer. */
export interface SfuView {
  from: string;
  slot: 'video' | 'screen';
  width: number;
  height: number;
}

/** What the SFU transport asks of the meeting server (`sfuSignalingThrough` makes it of a signaling client). */
export interface SfuSignaling {
  /** Sends the publishing connection's offer; resolves with the SFU's answer. */
  publish(offer: { sdp: string; fresh: boolean; slots: Array<{ mid: string; slot: Slot }> }): Promise<string>;
  /**
   * Asks for a new receiving connection: a fresh offer follows. With `resume` (back after our
   * signaling dropped), the SFU keeps the one we have if it still has it, and only sends again an
   * offer we did not answer; it resolves with whether the SFU still holds our sending connection
   * (false: it is not the one we sent to, after a restart or a takeover by another node).
   */
  subscribe(resume?: boolean): Promise<{ held?: boolean }>;
  answer(sdp: string, revision: number): void;
  view(views: SfuView[]): void;
  /** The SFU's offers for the receiving connection; returns the unsubscribe. */
  onOffer(listener: (offer: SfuOffer) => void): () => void;
  /** Which layers of our camera and screen anyone is shown (the others are paused); returns the unsubscribe. */
  onLayers(listener: (layers: SfuLayers) => void): () => void;
}

/** The SFU's requests and offers through the meeting server's signaling connection. */
export function sfuSignalingThrough(signaling: SignalingClient): SfuSignaling {
  return {
    publish: async (offer) => (await signaling.request('sfu-publish', offer)).sdp,
    subscribe: (resume = false) => signaling.request('sfu-subscribe', resume ? { resume } : {}),
    answer: (sdp, revision) => signaling.send('sfu-answer', { sdp, revision }),
    view: (views) => signaling.send('sfu-view', { views }, () => undefined),
    onOffer: (listener) => signaling.events.on('sfu-offer', listener),
    onLayers: (listener) => signaling.events.on('sfu-layers', listener),
  };
}

/**
 * The layers the camera and the screen are sent in (rids q, h, f: a quarter, half and full size),
 * each with its bitrate ceiling. The SFU forwards one of them to each subscriber.
 */
export const CAMERA_LAYERS: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];
export const SCREEN_LAYERS: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 200_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 800_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 2_500_000 },
];

/** Resolves with the local description once every candidate is in it (the SFU takes no trickled ones), or after `ms`. */
export async function gatheredDescription(pc: RTCPeerConnection, ms = 3000): Promise<string> {
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      }
      function check(): void {
        if (pc.iceGatheringState === 'complete') done();
      }
      pc.addEventListener('icegatheringstatechange', check);
    });
  }
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('the connection has no local description');
  return sdp;
}
