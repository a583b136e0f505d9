import type { MediaRoute, SignalBody, SignalMessage } from '@roundtable/signaling-server/protocol';
import type { ViewSize } from './budget';
import { Emitter } from './emitter';
import type { Slot, SlotTracks } from './slots';
import type { CallTransport, PresentPeer, RemotePeer, TransportEvents } from './transport';

/** Once the meeting moved to the SFU, the mesh is closed after everyone's media arrives through it, or after this long. */
export const MESH_CLOSE_AFTER_MS = 8000;

/**
 * The meeting's media route, and the move from one to the other: a meeting starts as a mesh and
 * moves to the SFU when the server says so (`media-route`, or the join reply). During the move
 * both run: each participant's microphone and camera keep the mesh's track until the SFU's plays
 * (a sound, a decoded frame), then take the SFU's, so no tile goes blank and no sound stops.
 * Each side says `moved` once everything of the other's plays through the SFU; the other then stops
 * sending on their mesh connection, which closes once both have said it: it carries both ways, and
 * the side that moved first would otherwise cut the other's sound of it. Once every connection is
 * closed (or after MESH_CLOSE_AFTER_MS) the mesh closes.
 */
export class RoutedTransport implements CallTransport {
  readonly events = new Emitter<TransportEvents>();
  private route: MediaRoute = 'mesh';
  private sfu: CallTransport | null = null;
  private meshOpen = true;
  private started: { selfId: string; present: readonly PresentPeer[] } | null = null;
  /** Participants whose media comes through the SFU now (some of it at least), and which of their slots. */
  private readonly moved = new Set<string>();
  private readonly slotsMoved = new Map<string, Set<Slot>>();
  /** SFU tracks waiting for their first media before they replace the mesh's. */
  private readonly waiting = new Map<string, Partial<SlotTracks>>();
  /** Whom we told that everything of theirs plays through the SFU, and who told us the same. */
  private readonly toldMoved = new Set<string>();
  private readonly heardMoved = new Set<string>();
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTracks: SlotTracks | null = null;
  private iceServers: RTCIceServer[] | null = null;
  private readonly views = new Map<string, ViewSize>();
  private roomSize = 1;

  constructor(
    private readonly mesh: CallTransport,
    private readonly makeSfu: () => CallTransport,
    /** Resolves once something plays on a track (sfu/first-media.ts in the browser). */
    private readonly firstMedia: (track: MediaStreamTrack) => Promise<void>,
    /** Relays a `moved` signal to one participant. */
    private readonly send: (to: string, body: SignalBody) => void,
  ) {
    mesh.events.on('tracks', (id, tracks) => {
      if (!this.meshOpen) return;
      // Only the slots that have not moved to the SFU yet.
      const moved = this.slotsMoved.get(id);
      const still = Object.fromEntries(Object.entries(tracks).filter(([slot]) => !moved?.has(slot as Slot))) as Partial<SlotTracks>;
      if (Object.keys(still).length) this.events.emit('tracks', id, still);
    });
    mesh.events.on('connection', (id, status) => {
      if (this.meshOpen && !this.moved.has(id)) this.events.emit('connection', id, status);
    });
    mesh.events.on('restarted', (id) => {
      if (this.meshOpen && !this.moved.has(id)) this.events.emit('restarted', id);
    });
  }

  get currentRoute(): MediaRoute {
    return this.route;
  }

  /** The server says how the meeting's media travels now (it only ever moves to the SFU). */
  setRoute(route: MediaRoute): void {
    if (route === this.route || route === 'mesh') return;
    this.route = 'sfu';
    const sfu = this.makeSfu();
    this.sfu = sfu;
    if (this.iceServers) sfu.setIceServers(this.iceServers);
    sfu.setRoomSize(this.roomSize);
    for (const [id, size] of this.views) sfu.setViewSize(id, size);
    sfu.events.on('tracks', (id, tracks) => this.fromSfu(id, tracks));
    sfu.events.on('connection', (id, status) => {
      if (this.moved.has(id) || !this.meshOpen) this.events.emit('connection', id, status);
    });
    sfu.events.on('restarted', (id) => {
      if (this.moved.has(id)) this.events.emit('restarted', id);
    });
    if (this.started) {
      // In the meeting already: the move starts now, the mesh carrying everything meanwhile.
      void sfu.start(this.started.selfId, this.started.present).catch((error: unknown) => console.warn('could not reach the SFU', error));
      for (const id of this.heardMoved) this.mesh.stopSendingTo?.(id);
      this.closeTimer = setTimeout(() => this.closeMesh(), MESH_CLOSE_AFTER_MS);
    } else {
      // Joining a meeting that is on the SFU already: no mesh at all.
      this.closeMesh();
    }
  }

  sfuRenewed(): void {
    this.sfu?.sfuRenewed?.();
  }

  prepare(): void {
    this.mesh.prepare();
  }

  async start(selfId: string, present: readonly PresentPeer[]): Promise<void> {
    this.started = { selfId, present };
    if (this.sfu) await this.sfu.start(selfId, present);
    else await this.mesh.start(selfId, present);
  }

  participantJoined(id: string, restarted: boolean): void {
    if (this.started) this.started = { ...this.started, present: [...this.started.present.filter((p) => p.id !== id), { id, restarted }] };
    // A newcomer to a meeting on the SFU publishes there only.
    if (this.meshOpen && !this.sfu) this.mesh.participantJoined(id, restarted);
    this.sfu?.participantJoined(id, restarted);
  }

  participantLeft(id: string): void {
    if (this.started) this.started = { ...this.started, present: this.started.present.filter((p) => p.id !== id) };
    this.moved.delete(id);
    this.slotsMoved.delete(id);
    this.waiting.delete(id);
    this.views.delete(id);
    this.toldMoved.delete(id);
    this.heardMoved.delete(id);
    if (this.meshOpen) this.mesh.participantLeft(id);
    this.sfu?.participantLeft(id);
    if (this.meshOpen && this.sfu) this.closeMeshIfDone();
  }

  signalingLost(): void {
    if (this.meshOpen) this.mesh.signalingLost();
    this.sfu?.signalingLost();
  }

  signalingRestored(present: readonly PresentPeer[]): void {
    if (this.started) this.started = { ...this.started, present };
    if (this.meshOpen) this.mesh.signalingRestored(present.filter((p) => !this.closedWith(p.id)));
    this.sfu?.signalingRestored(present);
  }

  receiveSignal(message: SignalMessage): void {
    if (!this.meshOpen) return;
    if (message.kind === 'moved') {
      // Kept even if the server's word of the move has not reached us yet: we close nothing before we moved them.
      this.heardMoved.add(message.from);
      // What we send them on the mesh is heard no more: stop encoding it (a move doubles the work meanwhile).
      if (this.sfu) this.mesh.stopSendingTo?.(message.from);
      this.closeLinkIfDone(message.from);
      return;
    }
    // A connection both sides closed stays closed, whatever of it is still on the way.
    if (this.closedWith(message.from)) return;
    this.mesh.receiveSignal(message);
  }

  setLocalTracks(tracks: SlotTracks): void {
    this.lastTracks = tracks;
    if (this.meshOpen) this.mesh.setLocalTracks(tracks);
    this.sfu?.setLocalTracks(tracks);
  }

  setViewSize(id: string, size: ViewSize): void {
    this.views.set(id, size);
    if (this.meshOpen) this.mesh.setViewSize(id, size);
    this.sfu?.setViewSize(id, size);
  }

  setRoomSize(count: number): void {
    this.roomSize = count;
    if (this.meshOpen) this.mesh.setRoomSize(count);
    this.sfu?.setRoomSize(count);
  }

  setIceServers(servers: RTCIceServer[]): void {
    this.iceServers = servers;
    this.mesh.setIceServers(servers);
    this.sfu?.setIceServers(servers);
  }

  *peers(): Iterable<RemotePeer> {
    const seen = new Set<string>();
    if (this.sfu) {
      for (const peer of this.sfu.peers()) {
        if (this.moved.has(peer.remoteId) || !this.meshOpen) {
          seen.add(peer.remoteId);
          yield peer;
        }
      }
    }
    if (this.meshOpen) for (const peer of this.mesh.peers()) if (!seen.has(peer.remoteId)) yield peer;
  }

  peer(id: string): RemotePeer | undefined {
    return this.carrier(id)?.peer(id);
  }

  connectionTo(id: string): RTCPeerConnection | undefined {
    return this.carrier(id)?.connectionTo(id);
  }

  close(): void {
    clearTimeout(this.closeTimer);
    this.mesh.close();
    this.sfu?.close();
  }

  private carrier(id: string): CallTransport | null {
    if (this.sfu && (this.moved.has(id) || !this.meshOpen)) return this.sfu;
    return this.meshOpen ? this.mesh : null;
  }

  /**
   * Tracks from the SFU take over from the mesh's slot by slot, each once it plays (a sound, a
   * decoded frame): until then the mesh's keeps playing, so nothing goes silent or blank.
   */
  private fromSfu(id: string, tracks: Partial<SlotTracks>): void {
    if (!this.meshOpen) {
      this.events.emit('tracks', id, tracks);
      return;
    }
    const moved = this.movedSlots(id);
    const pending = { ...this.waiting.get(id) };
    const now: Partial<SlotTracks> = {};
    for (const [slot, track] of Object.entries(tracks) as Array<[Slot, MediaStreamTrack | null]>) {
      if (moved.has(slot)) now[slot] = track;
      else pending[slot] = track;
      if (!track || moved.has(slot)) continue;
      void this.firstMedia(track).then(() => {
        if (!this.meshOpen || this.waiting.get(id)?.[slot] !== track) return;
        delete this.waiting.get(id)![slot];
        const first = !this.moved.has(id);
        moved.add(slot);
        this.moved.add(id);
        this.events.emit('tracks', id, { [slot]: track });
        const peer = this.sfu?.peer(id);
        if (first && peer) this.events.emit('connection', id, peer.connectionState === 'connected' ? 'connected' : 'connecting');
        this.movedOne(id);
      });
    }
    this.waiting.set(id, pending);
    if (Object.keys(now).length) this.events.emit('tracks', id, now);
  }

  private movedSlots(id: string): Set<Slot> {
    let slots = this.slotsMoved.get(id);
    if (!slots) {
      slots = new Set();
      this.slotsMoved.set(id, slots);
    }
    return slots;
  }

  /** Everything of `id`'s that the SFU brings plays through it. */
  private allMoved(id: string): boolean {
    return this.moved.has(id) && !Object.values(this.waiting.get(id) ?? {}).some((track) => track !== null && track !== undefined);
  }

  /** A slot of `id`'s plays through the SFU now: once all of theirs do, we tell them. */
  private movedOne(id: string): void {
    if (this.allMoved(id) && !this.toldMoved.has(id)) {
      this.toldMoved.add(id);
      this.send(id, { kind: 'moved' });
    }
    this.closeLinkIfDone(id);
  }

  /** Whether our mesh connection with `id` closed because both of us moved. */
  private closedWith(id: string): boolean {
    return this.toldMoved.has(id) && this.heardMoved.has(id);
  }

  private closeLinkIfDone(id: string): void {
    if (!this.closedWith(id)) return;
    if (this.mesh.peer(id)) this.mesh.participantLeft(id);
    this.closeMeshIfDone();
  }

  /** Everyone's media plays through the SFU and the mesh carries nobody's any more. */
  private closeMeshIfDone(): void {
    const present = this.started?.present ?? [];
    if (present.every((p) => this.allMoved(p.id)) && [...this.mesh.peers()].length === 0) this.closeMesh();
  }

  private closeMesh(): void {
    if (!this.meshOpen) return;
    clearTimeout(this.closeTimer);
    this.meshOpen = false;
    this.mesh.close();
    // Whoever had not moved yet takes whatever the SFU has for them.
    for (const [id, tracks] of this.waiting) {
      this.moved.add(id);
      if (Object.keys(tracks).length) this.events.emit('tracks', id, tracks);
    }
    this.waiting.clear();
    if (this.lastTracks) this.sfu?.setLocalTracks(this.lastTracks);
  }
}
