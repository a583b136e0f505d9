import type { SignalMessage } from '@roundtable/signaling-server/protocol';
import type { ViewSize } from '../budget';
import { Emitter } from '../emitter';
import { nextTask } from '../next-task';
import { noTracks, SLOTS, type SlotTracks } from '../slots';
import { connectionStatus, type CallTransport, type PresentPeer, type RemotePeer, type TransportContext, type TransportEvents } from '../transport';
import { ViewReports } from '../view-reports';
import { MeshBudget } from './mesh-budget';
import { OfferInWaiting } from './offer-in-waiting';
import { PeerLink } from './peer-link';
import { RetiredCertificates } from './retired-certificates';
import { tuneScreenSender } from './screen-sender';
import { fingerprintOf } from './sdp';
import { browserConnection, type ConnectionFactory } from './slot-transceivers';

export interface MeshOptions {
  /** STUN/TURN servers until the meeting server hands out its own (the prepared offer uses them). */
  iceServers: RTCIceServer[];
  /** Media only through the meeting's TURN relay: the others never learn our addresses. */
  relayOnly?: boolean;
  /** Budget each peer's video by how it shows us (default on; off for comparison benchmarks). */
  budget?: boolean;
  /** Makes the connections; the browser's RTCPeerConnection by default. */
  createConnection?: ConnectionFactory;
}

/** After an outage, how long the polite side leaves the other to start the connection over. */
export const RECOVERY_YIELD_MS = 1000;
/**
 * A connection that nobody offered on after this long is offered from our side, plus a second for
 * each other person in the room: a newcomer opens its connections one after another, and on a busy
 * machine five of them took eight seconds; offering across theirs meanwhile only makes both sides
 * start over.
 */
export const OFFER_IF_IDLE_MS = 2500;
const OFFER_IF_IDLE_PER_PERSON_MS = 1000;

/**
 * The full mesh: one PeerLink (one RTCPeerConnection) per remote participant, each negotiated on
 * its own. The newcomer offers to everyone already there (the first of those offers prepared on
 * the pre-join screen); the others wait for its offer. It starts a connection over when its path
 * comes back after an outage, when the other side opened a new one, and after our signaling was
 * lost if the connection is not up or went quiet meanwhile. Each camera sender is budgeted by how
 * that peer shows us (MeshBudget), each screen sender tuned for detail.
 */
export class MeshTransport implements CallTransport {
  readonly events = new Emitter<TransportEvents>();
  private readonly links = new Map<string, PeerLink>();
  /** People who play what we send through the SFU now (stopSendingTo): their connections send nothing. */
  private readonly servedElsewhere = new Set<string>();
  private readonly createConnection: ConnectionFactory;
  /** The first offer, made on the pre-join screen (prepare). */
  private readonly offerInWaiting: OfferInWaiting;
  private readonly budget: MeshBudget;
  private readonly views: ViewReports;
  private readonly retired = new RetiredCertificates();
  /** What new connections use: the meeting server's STUN/TURN servers (TURN credentials are ours). */
  private iceServers: RTCIceServer[];
  private selfId: string | null = null;

  constructor(
    private readonly context: TransportContext,
    private readonly options: MeshOptions,
  ) {
    this.createConnection = options.createConnection ?? browserConnection;
    this.iceServers = options.iceServers;
    this.offerInWaiting = new OfferInWaiting(this.createConnection);
    this.budget = new MeshBudget(options.budget ?? true, () => context.localTracks().video?.getSettings().height ?? 720);
    this.views = new ViewReports((to, view) => context.send(to, { kind: 'view', view }));
  }

  /** Not for relay-only calls: the relay's credentials come with the join. */
  prepare(): void {
    if (this.options.relayOnly) return;
    this.offerInWaiting.prepare(this.iceServers, this.context.localTracks(), this.context.localStream);
  }

  async start(selfId: string, present: readonly PresentPeer[]): Promise<void> {
    this.selfId = selfId;
    // Someone we had a connection with (before a waiting room) who reloaded since: we offer anew.
    for (const { id, restarted } of present) if (restarted) this.dropLink(id);
    // Nobody here to offer to: whoever comes later offers to us.
    if (present.length === 0) this.offerInWaiting.discard();
    const prepared = await this.offerInWaiting.take(this.iceServers);
    await this.connectToEveryone(
      present.map((p) => p.id),
      prepared,
    );
    // Resolve once the offers are out, so whatever the caller renders next does not hold them up.
    await Promise.all([...this.links.values()].map((link) => link.firstOffer));
  }

  /** They offer to everyone as they arrive: a connection waits for their offer. */
  participantJoined(id: string, restarted: boolean): void {
    if (restarted) this.dropLink(id);
    if (!this.links.has(id)) this.createLink(id, false);
  }

  participantLeft(id: string): void {
    this.servedElsewhere.delete(id);
    this.dropLink(id);
    this.retired.forget(id);
    this.budget.forget(id);
    this.views.forget(id);
  }

  /** Did our network drop, taking the media with it, or only the server? signalingRestored asks. */
  signalingLost(): void {
    for (const link of this.links.values()) link.watchQuiet(true);
  }

  signalingRestored(present: readonly PresentPeer[]): void {
    const wentQuiet = new Set([...this.links.values()].filter((link) => link.watchQuiet(false)).map((link) => link.remoteId));
    for (const { id, restarted } of present) {
      const link = this.links.get(id);
      if (!link) continue; // connectToEveryone opens it
      // A connection that is not up after we lost the server may have lost messages, and one whose
      // media stopped while we were away has a sender queue full of stale media: start it over.
      const stale = link.connectionState !== 'connected' || wentQuiet.has(id);
      if (restarted) {
        // They reloaded meanwhile, and offer to us on a new connection.
        if (stale) this.retired.retire(id, link.remoteFingerprint());
        this.dropLink(id);
        this.createLink(id, false);
      } else if (stale) this.replaceLink(id, true);
    }
    void this.connectToEveryone(present.map((p) => p.id));
    // The server may have restarted and forgotten: say again how we show everyone.
    this.views.clear();
  }

  receiveSignal(message: SignalMessage): void {
    const { from, ...body } = message;
    if (body.kind === 'view') {
      this.budget.setView(from, body.view, this.links.get(from));
      return;
    }
    if (body.kind === 'moved') return; // the move to the SFU's business (routed-transport.ts)
    // Late words of a connection we already replaced (its answer or restart offer, still on the way)
    // would hijack the new one, which would then check against a closed peer forever.
    if (body.kind === 'description' && this.retired.isRetired(from, fingerprintOf(body.description.sdp))) return;
    let link = this.links.get(from);
    if (link && body.kind === 'description') {
      // They opened a new connection to us (a copy of the offer this one answered is the link's business).
      if (body.fresh && !link.isPristine() && !link.answered(body.description.sdp)) {
        // If we are opening one to them at the same moment, the polite side gives way and answers
        // ours. But ours may never have reached them (it went into a connection of theirs that was
        // dying): then they never will, so we send it again.
        if (link.awaitingFirstAnswer() && !link.polite) return link.sendLocalDescription();
        link = this.replaceLink(from, false);
      } else if (body.description.type === 'answer') {
        // An answer from a certificate we do not know: they replaced their side; so do we, offering anew.
        const theirs = fingerprintOf(body.description.sdp);
        const known = link.remoteFingerprint();
        if (theirs && known && theirs !== known) {
          this.replaceLink(from, true);
          return;
        }
      }
    }
    if (!link) {
      // An offer can overtake the arrival notice only if we never saw them join; wait for the notice.
      if (!this.context.isListed(from)) return;
      link = this.createLink(from, false);
    }
    link.receive(body);
  }

  setLocalTracks(tracks: SlotTracks): void {
    for (const link of this.links.values()) {
      if (this.servedElsewhere.has(link.remoteId)) continue;
      for (const slot of SLOTS) void link.replaceTrack(slot, tracks[slot]);
    }
    this.budget.applyAll(this.links.values());
    for (const link of this.links.values()) void tuneScreenSender(link, tracks.screen !== null);
  }

  stopSendingTo(id: string): void {
    this.servedElsewhere.add(id);
    const link = this.links.get(id);
    if (link) for (const slot of SLOTS) void link.replaceTrack(slot, null);
  }

  setViewSize(id: string, size: ViewSize): void {
    this.views.report(id, size);
  }

  setRoomSize(count: number): void {
    this.budget.setParticipants(count, this.links.values());
  }

  setIceServers(servers: RTCIceServer[]): void {
    this.iceServers = servers;
    for (const link of this.links.values()) {
      if (link.pc.connectionState !== 'closed') link.pc.setConfiguration({ ...link.pc.getConfiguration(), iceServers: servers });
    }
  }

  peers(): Iterable<RemotePeer> {
    return this.links.values();
  }

  peer(id: string): RemotePeer | undefined {
    return this.links.get(id);
  }

  connectionTo(id: string): RTCPeerConnection | undefined {
    return this.links.get(id)?.pc;
  }

  close(): void {
    this.offerInWaiting.discard();
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }

  /**
   * Opens a connection to each of `ids` that has none, one per task (on joining, and on joining
   * again after the server was lost). Making a connection and its transceivers are blocking calls
   * into WebRTC's threads; on a busy machine five of them in a row held the page for seconds, long
   * enough for the server to miss our heartbeat and drop us. `prepared`: for the first one, the
   * connection made on the pre-join screen.
   */
  private async connectToEveryone(ids: readonly string[], prepared: RTCPeerConnection | null = null): Promise<void> {
    for (const [index, id] of ids.entries()) {
      if (index > 0) await nextTask();
      if (this.context.isJoined() && this.context.isListed(id) && !this.links.has(id)) {
        this.createLink(id, true, prepared ?? undefined);
        prepared = null;
      }
    }
    prepared?.close();
  }

  private createLink(remoteId: string, initiator: boolean, prepared?: RTCPeerConnection): PeerLink {
    if (this.selfId === null) throw new Error('the mesh has not started');
    const link = new PeerLink({
      remoteId,
      polite: this.selfId > remoteId,
      initiator,
      prepared,
      offerIfIdleMs: OFFER_IF_IDLE_MS + OFFER_IF_IDLE_PER_PERSON_MS * Math.max(0, this.context.othersCount() - 1),
      iceServers: this.iceServers,
      relayOnly: this.options.relayOnly ?? false,
      localStream: this.context.localStream,
      localTracks: () => (this.servedElsewhere.has(remoteId) ? noTracks() : this.context.localTracks()),
      send: (body) => this.context.send(remoteId, body),
      createConnection: this.createConnection,
    });
    link.events.on('tracks', (tracks) => this.events.emit('tracks', remoteId, tracks));
    // The senders' encodings are set once the connection is up, and again after each negotiation:
    // while it connects, getParameters blocks the page on WebRTC's busy signaling thread.
    const tuneSenders = (): void => {
      if (link.pc.connectionState !== 'connected') return;
      void this.budget.apply(link);
      void tuneScreenSender(link, this.context.localTracks().screen !== null);
    };
    link.events.on('negotiated', tuneSenders);
    link.events.on('state', (state) => {
      this.events.emit('connection', remoteId, connectionStatus(state));
      if (state === 'connected') tuneSenders();
    });
    link.events.on('error', (error) => console.warn(`connection to ${remoteId}: ${error.message}`));
    // Back after an outage: a new connection starts with a keyframe and an empty queue, where the old
    // one would leave the picture frozen for seconds. Both sides notice; the impolite one starts over,
    // the polite one only if nothing came from the other side meanwhile.
    link.events.on('recovered', () => {
      if (!link.polite) return void this.replaceLink(remoteId, true);
      setTimeout(() => {
        if (this.links.get(remoteId) === link) this.replaceLink(remoteId, true);
      }, RECOVERY_YIELD_MS);
    });
    this.links.set(remoteId, link);
    // Ours offers at once (or took the prepared offer): its transceivers, and so the tracks that
    // will carry their media, exist already. The page sets up their tiles now, not once connected.
    this.events.emit('tracks', remoteId, link.receivedTracks());
    return link;
  }

  /** Starts over with them on a new connection; what still comes from the old one is dropped. */
  private replaceLink(remoteId: string, initiator: boolean): PeerLink {
    this.retired.retire(remoteId, this.links.get(remoteId)?.remoteFingerprint() ?? null);
    this.dropLink(remoteId);
    this.events.emit('restarted', remoteId);
    return this.createLink(remoteId, initiator);
  }

  private dropLink(id: string): void {
    this.links.get(id)?.close();
    this.links.delete(id);
  }
}
