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
const MAX_RETRY_MS = 8000;
/** A connection 'disconnected' this long is asked for anew; so is one whose offer does not come. */
const DISCONNECTED_MS = 3000;
const OFFER_WITHIN_MS = 5000;

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
  private retryMs = RETRY_MS;
  private watch: ReturnType<typeof setTimeout> | undefined;
  private offerWait: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: SubscriberDeps) {
    this.unsubscribe = deps.signaling.onOffer((offer) => {
      void this.queue.run(() => this.apply(offer)).catch((error: unknown) => console.warn('could not apply the SFU offer', error));
    });
  }

  /**
   * Asks the SFU for a new receiving connection (its offer follows); asks again until one comes. A
   * retry still pending from before is dropped (it would replace this connection).
   */
  async start(): Promise<void> {
    clearTimeout(this.retry);
    clearTimeout(this.offerWait);
    this.offerWait = setTimeout(() => this.askAgain(), OFFER_WITHIN_MS);
    try {
      await this.deps.signaling.subscribe();
    } catch (error) {
      this.askAgain();
      throw error;
    }
  }

  /**
   * Back after our signaling dropped, with this connection up: the SFU keeps it and sends again an
   * offer we missed (or makes a new connection, if it no longer has ours). Resolves with whether
   * that SFU still holds our sending connection (a server that does not say: as far as we know).
   */
  async resume(): Promise<boolean> {
    const { held } = await this.deps.signaling.subscribe(true);
    return held ?? true;
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
    clearTimeout(this.watch);
    clearTimeout(this.offerWait);
    this.unsubscribe();
    this.pc?.close();
    this.pc = null;
  }

  private async apply(offer: SfuOffer): Promise<void> {
    if (this.closed) return;
    // The offer we answered, again: our answer was lost on the way (see resume), and goes again.
    const answered = this.pc?.localDescription;
    if (!offer.fresh && offer.revision === this.revision && answered?.type === 'answer') return this.deps.signaling.answer(answered.sdp, offer.revision);
    if (!offer.fresh && (offer.revision <= this.revision || !this.pc)) return;
    let pc = this.pc;
    // The offer we asked for came, late or not: a retry asking for another would replace it.
    if (offer.fresh) {
      clearTimeout(this.offerWait);
      clearTimeout(this.retry);
    }
    if (offer.fresh || !pc) {
      pc?.close();
      pc = this.deps.createConnection({ iceServers: this.deps.iceServers(), bundlePolicy: 'max-bundle' });
      this.pc = pc;
      const current = pc;
      current.addEventListener('connectionstatechange', () => {
        if (current !== this.pc) return;
        this.events.emit('state', current.connectionState);
        clearTimeout(this.watch);
        if (current.connectionState === 'connected') this.retryMs = RETRY_MS;
        else if (current.connectionState === 'failed') this.askAgain();
        else if (current.connectionState === 'disconnected')
          this.watch = setTimeout(() => current === this.pc && current.connectionState !== 'connected' && this.askAgain(), DISCONNECTED_MS);
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
    if (this.closed) return;
    clearTimeout(this.retry);
    const wait = this.retryMs;
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    this.retry = setTimeout(() => void this.start().catch(() => undefined), wait);
  }
}
