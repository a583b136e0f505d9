import type { MediaSlot, SfuLayers, SfuOffer, SfuTrack } from '../protocol/index.js';

/**
 * The meeting server's SFU as the rooms use it: keyed by meeting instance and participant id, so
 * it never forwards between two meetings. Who may do what is decided here, before it is asked.
 */
export interface SfuGateway {
  publish(meeting: string, member: string, offer: { sdp: string; fresh: boolean; slots: Array<{ mid: string; slot: MediaSlot }> }): Promise<string>;
  /** A new receiving connection; with `resume`, the member's current one if it still has one (see SfuSubscribeSchema). */
  subscribe(meeting: string, member: string, resume?: boolean): void;
  answer(meeting: string, member: string, sdp: string, revision: number): void;
  view(meeting: string, member: string, views: Array<{ from: string; slot: 'video' | 'screen'; width: number; height: number }>): void;
  mute(meeting: string, member: string, muted: boolean): void;
  leave(meeting: string, member: string): void;
  end(meeting: string): void;
  /** Offers for members' receiving connections, to relay to them. */
  onOffer(listener: (offer: SfuOffer & { meeting: string; member: string; tracks: SfuTrack[] }) => void): void;
  /** Which layers of a member's camera or screen anyone is shown, to relay to them. */
  onLayers(listener: (layers: SfuLayers & { meeting: string; member: string }) => void): void;
}
