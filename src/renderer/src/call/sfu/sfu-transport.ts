import type { ViewSize } from '../budget';
import { Emitter } from '../emitter';
import { browserConnection, type ConnectionFactory } from '../mesh/slot-transceivers';
import type { Slot, SlotTracks } from '../slots';
import { receivedAudioPackets } from '../stats';
import { connectionStatus, type CallTransport, type PresentPeer, type RemotePeer, type TransportContext, type TransportEvents } from '../transport';
import { SfuPublisher } from './sfu-publisher';
import type { SfuSignaling, SfuView } from './sfu-signaling';
import { SfuSubscriber } from './sfu-subscriber';

export interface SfuOptions {
  iceServers: RTCIceServer[];
  createConnection?: ConnectionFactory;
}

/** View reports go to the SFU at most this often (a resize or a new layout reports many at once). */
const VIEW_EVERY_MS = 250;
/** A screen share is shown large: the SFU forwards its sharpest layer. */
const SCREEN_VIEW = { width: 1920, height: 1080 };

/**
 * The call through the meeting server's SFU: one connection sends our media (SfuPublisher), one
 * receives everyone else's (SfuSubscriber). Nobody connects to anybody else, so arrivals and
 * departures only change what the SFU offers us.
 */
export class SfuTransport implements CallTransport {
  readonly events = new Emitter<TransportEvents>();
  private readonly publisher: SfuPublisher;
  private readonly subscriber: SfuSubscriber;
  private readonly remote = new Map<string, SfuPeer>();
  private readonly views = new Map<string, ViewSize>();
  private viewTimer: ReturnType<typeof setTimeout> | undefined;
  private iceServers: RTCIceServer[];
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly context: TransportContext,
    private readonly signaling: SfuSignaling,
    options: SfuOptions,
  ) {
    this.iceServers = options.iceServers;
    const createConnection = options.createConnection ?? browserConnection;
    const iceServers = (): RTCIceServer[] => this.iceServers;
    this.publisher = new SfuPublisher({ createConnection, iceServers, signaling, localTracks: () => context.localTracks(), stream: context.localStream });
    this.subscriber = new SfuSubscriber({ createConnection, iceServers, signaling });
    this.unsubscribe.push(
      this.subscriber.events.on('tracks', (id, tracks) => {
        if (!context.isListed(id)) return;
        this.peerFor(id);
        this.events.emit('tracks', id, tracks);
        if (tracks.screen !== undefined) this.reportViews();
      }),
      this.subscriber.events.on('state', (state) => {
        for (const id of this.remote.keys()) this.events.emit('connection', id, connectionStatus(state));
      }),
      signaling.onLayers(({ slot, active }) => this.publisher.setLayers(slot, active)),
    );
  }

  /** Nothing to prepare: the connections are made once we know the meeting goes through the SFU. */
  prepare(): void {}

  async start(_selfId: string, present: readonly PresentPeer[]): Promise<void> {
    for (const { id } of present) this.peerFor(id);
    await Promise.all([this.publisher.start(), this.subscriber.start()]);
  }

  participantJoined(id: string): void {
    this.peerFor(id);
  }

  participantLeft(id: string): void {
    this.remote.delete(id);
    this.views.delete(id);
  }

  /** The media goes on through the SFU while our signaling is away. */
  signalingLost(): void {}

  /** Back in the meeting: see resume. */
  signalingRestored(present: readonly PresentPeer[]): void {
    for (const { id } of present) this.peerFor(id);
    void this.resume();
    this.reportViews();
  }

  /**
   * If only our signaling dropped, the SFU still holds our connections (for a while, see the
   * server's SFU_KEEP_MS) and the media went on: both stay, and the SFU sends again what we
   * missed. If the server restarted, or another node of a cluster took the meeting over, its SFU
   * is a new one that knows neither: both are made anew, the tiles keeping the old tracks until the
   * new ones come. Our connections may not have noticed yet (the old SFU died a moment ago), so the
   * server's word (`held`) decides as soon as it is heard.
   */
  private async resume(): Promise<void> {
    const warn = (what: string) => (error: unknown) => console.warn(`could not ${what} the SFU again`, error);
    if (await this.publisher.reachesSfu()) {
      if (this.subscriber.connectionState !== 'connected') {
        await this.subscriber.start().catch(warn('subscribe to'));
        return;
      }
      // Not held: the SFU here sends a fresh receiving connection of itself; we publish to it anew.
      const held = await this.subscriber.resume().catch((error: unknown) => (warn('resume receiving from')(error), true));
      if (!held) await this.publisher.start().catch(warn('publish to'));
      return;
    }
    await Promise.all([this.publisher.start().catch(warn('publish to')), this.subscriber.start().catch(warn('subscribe to'))]);
  }

  /** See CallTransport.sfuRenewed: both connections anew, the tiles keeping the old tracks until the new ones come. */
  sfuRenewed(): void {
    const warn = (what: string) => (error: unknown) => console.warn(`could not ${what} the new SFU`, error);
    void Promise.all([this.publisher.start().catch(warn('publish to')), this.subscriber.start().catch(warn('subscribe to'))]);
  }

  /** The mesh's messages: nothing for the SFU. */
  receiveSignal(): void {}

  setLocalTracks(tracks: SlotTracks): void {
    this.publisher.setTracks(tracks);
  }

  setViewSize(id: string, size: ViewSize): void {
    this.views.set(id, size);
    this.reportViews();
  }

  /** The SFU sends each of us the same whatever the meeting's size. */
  setRoomSize(): void {}

  setIceServers(servers: RTCIceServer[]): void {
    this.iceServers = servers;
  }

  peers(): Iterable<RemotePeer> {
    return this.remote.values();
  }

  peer(id: string): RemotePeer | undefined {
    return this.remote.get(id);
  }

  /** The receiving connection carries everyone's media. */
  connectionTo(id: string): RTCPeerConnection | undefined {
    return this.remote.has(id) ? (this.subscriber.connection ?? undefined) : undefined;
  }

  /** The sending connection, for statistics of what we send. */
  get sendingConnection(): RTCPeerConnection | null {
    return this.publisher.connection;
  }

  close(): void {
    clearTimeout(this.viewTimer);
    for (const off of this.unsubscribe.splice(0)) off();
    this.publisher.close();
    this.subscriber.close();
    this.remote.clear();
  }

  private peerFor(id: string): SfuPeer {
    let peer = this.remote.get(id);
    if (!peer) {
      peer = new SfuPeer(id, this.subscriber);
      this.remote.set(id, peer);
      this.events.emit('connection', id, connectionStatus(this.subscriber.connectionState));
    }
    return peer;
  }

  private reportViews(): void {
    if (this.viewTimer !== undefined) return;
    this.viewTimer = setTimeout(() => {
      this.viewTimer = undefined;
      const views: SfuView[] = [];
      for (const [from, size] of this.views) views.push({ from, slot: 'video', width: Math.round(size.width), height: Math.round(size.height) });
      for (const from of this.subscriber.senders()) if (this.subscriber.receiver(from, 'screen')) views.push({ from, slot: 'screen', ...SCREEN_VIEW });
      this.signaling.view(views);
    }, VIEW_EVERY_MS);
  }
}

/** One participant as the SFU brings them to us: their tracks on the shared receiving connection. */
class SfuPeer implements RemotePeer {
  private heard = -1;
  private heardAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly remoteId: string,
    private readonly subscriber: SfuSubscriber,
  ) {}

  get connectionState(): RTCPeerConnectionState {
    return this.subscriber.connectionState;
  }

  receiver(slot: Slot): RTCRtpReceiver | undefined {
    return this.subscriber.receiver(this.remoteId, slot);
  }

  /**
   * Their microphone's and camera's statistics, numbered as the mesh numbers them (mid 0: the
   * microphone, 1: the camera), plus the connection's, so the quality bars read them alike.
   */
  async getStats(): Promise<RTCStatsReport> {
    const merged = new Map<string, unknown>();
    for (const [slot, mid] of [
      ['audio', '0'],
      ['video', '1'],
    ] as const) {
      const report = await this.receiver(slot)?.getStats();
      report?.forEach((entry: { type: string; id: string }) => {
        merged.set(entry.id, entry.type === 'inbound-rtp' ? { ...entry, mid } : entry);
      });
    }
    return merged as unknown as RTCStatsReport;
  }

  async silentForMs(): Promise<number> {
    const report = await this.receiver('audio')?.getStats();
    const packets = report ? receivedAudioPackets(report) : null;
    if (packets !== null) this.noteAudioPackets(packets);
    return performance.now() - this.heardAt;
  }

  noteAudioPackets(count: number): void {
    if (count > this.heard) {
      this.heard = count;
      this.heardAt = performance.now();
    }
  }
}
