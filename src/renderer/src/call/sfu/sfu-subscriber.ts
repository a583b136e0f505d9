import type { SfuOffer, SfuTrack } from '@roundtable/signaling-server/protocol';
import { SerialQueue } from '@shared/serial';
import { Emitter } from '../emitter';
import type { ConnectionFactory } from '../mesh/slot-transceivers';
import type { Slot, SlotTracks } from '../slots';
import { gatheredDescription, type SfuSignaling } from './sfu-signaling';

export interface SubscriberDeps {
  createConnection: ConnectionFactory;
  iceServers(): RTCIceServer[];
  signaling: SfuSignaling;
}

export interface SubscriberEvents {
  /** What now arrives from a participant, by slot (null: nothing any more). */
  tracks: [id: string, tracks: Partial<SlotTracks>];
  /** The receiving connection's state changed. */
  state: [state: RTCPeerConnectionState];
}

const RETRY_MS = 1000;

/**
 * Our one receiving connection from the SFU. The SFU offers (a new revision whenever what it
 * forwards to us changes) and says which mid carries whose slot; we answer, and tell who sends
 * what. A failed connection is asked for anew.
 */
export class SfuSubscriber {
  readonly events = new Emitter<SubscriberEvents>();
  private pc: RTCPeerConnection | null = null;
  private revision = 0;
  private routes = new Map<string, SfuTrack>();
  /** What we last said arrives from whom. */
  private told = new Map<string, Partial<SlotTracks>>();
  private readonly queue = new SerialQueue();
  private readonly unsubscribe: () => void;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: SubscriberDeps) {
    this.unsubscribe = deps.signaling.onOffer((offer) => {
      void this.queue.run(() => this.apply(offer)).catch((error: unknown) => console.warn('could not apply the SFU offer', error));
    });
  }

  /** Asks the SFU for our receiving connection (its offer follows). */
  start(): Promise<void> {
    return this.deps.signaling.subscribe();
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc?.connectionState ?? 'new';
  }

  get connection(): RTCPeerConnection | null {
    return this.pc;
  }

  /** Everyone something arrives from. */
  senders(): string[] {
    return [...this.told].filter(([, tracks]) => Object.values(tracks).some((t) => t)).map(([id]) => id);
  }

  receiver(from: string, slot: Slot): RTCRtpReceiver | undefined {
    if (!this.pc) return undefined;
    for (const transceiver of this.pc.getTransceivers()) {
      const route = transceiver.mid === null ? undefined : this.routes.get(transceiver.mid);
      if (route && route.from === from && route.slot === slot) return transceiver.receiver;
    }
    return undefined;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.unsubscribe();
    this.pc?.close();
    this.pc = null;
  }

  private async apply(offer: SfuOffer): Promise<void> {
    if (this.closed) return;
    if (!offer.fresh && (offer.revision <= this.revision || !this.pc)) return;
    let pc = this.pc;
    if (offer.fresh || !pc) {
      pc?.close();
      pc = this.deps.createConnection({ iceServers: this.deps.iceServers(), bundlePolicy: 'max-bundle' });
      this.pc = pc;
      const current = pc;
      current.addEventListener('connectionstatechange', () => {
        if (current !== this.pc) return;
        this.events.emit('state', current.connectionState);
        if (current.connectionState === 'failed') this.askAgain();
      });
    }
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    const sdp = await gatheredDescription(pc);
    if (pc !== this.pc) return;
    this.revision = offer.revision;
    this.deps.signaling.answer(sdp, offer.revision);
    this.routes = new Map(offer.tracks.map((track) => [track.mid, track]));
    this.tell(pc);
  }

  /** Says, per participant, which of their slots changed track. */
  private tell(pc: RTCPeerConnection): void {
    const now = new Map<string, Partial<SlotTracks>>();
    for (const transceiver of pc.getTransceivers()) {
      const route = transceiver.mid === null ? undefined : this.routes.get(transceiver.mid);
      if (!route) continue;
      const tracks = now.get(route.from) ?? {};
      tracks[route.slot] = transceiver.receiver.track;
      now.set(route.from, tracks);
    }
    for (const id of new Set([...this.told.keys(), ...now.keys()])) {
      const before = this.told.get(id) ?? {};
      const after = now.get(id) ?? {};
      const change: Partial<SlotTracks> = {};
      for (const slot of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<Slot>) {
        if ((before[slot] ?? null) !== (after[slot] ?? null)) change[slot] = after[slot] ?? null;
      }
      if (Object.keys(change).length) this.events.emit('tracks', id, change);
    }
    this.told = now;
  }

  private askAgain(): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (!this.closed) this.deps.signaling.subscribe().catch(() => this.askAgain());
    }, RETRY_MS);
  }
}
