import type { SignalBody } from '@roundtable/signaling-server/protocol';
import { Emitter } from '../emitter';
import { SLOTS, type Slot, type SlotTracks } from '../slots';
import type { RemotePeer } from '../transport';
import { PathWatch } from './path-watch';
import { fingerprintOf, sameDescription } from './sdp';
import {
  addLaterSlot,
  addSlotTransceivers,
  browserConnection,
  connectionConfig,
  receivedTracks,
  slotTransceiver,
  type ConnectionFactory,
} from './slot-transceivers';

/** The messages perfect negotiation exchanges (view hints are for the call, not the connection). */
export type NegotiationBody = Exclude<SignalBody, { kind: 'view' | 'moved' }>;

export interface PeerLinkOptions {
  remoteId: string;
  /** Perfect negotiation: the polite side yields when both offer at once. */
  polite: boolean;
  /** The side that joined later offers first, with its slots' transceivers in that offer (slots.ts). */
  initiator: boolean;
  /**
   * For the initiator: a connection made ahead of time by prepareOffer, its transceivers in place
   * and its offer made. The link takes it over and sends that offer at once.
   */
  prepared?: RTCPeerConnection;
  /** For the answering side: offer ourselves if no offer came within this long. */
  offerIfIdleMs?: number;
  iceServers: RTCIceServer[];
  /** Gather only relay candidates (through TURN): our addresses never reach the other side. */
  relayOnly?: boolean;
  localTracks: () => SlotTracks;
  localStream: MediaStream;
  send: (body: NegotiationBody) => void;
  /** Makes the connection (not used when `prepared`); the browser's RTCPeerConnection by default. */
  createConnection?: ConnectionFactory;
}

export interface PeerLinkEvents {
  /** What the other side sends us, per slot: known once its transceivers exist, all at once. */
  tracks: [tracks: SlotTracks];
  /**
   * ICE is back after an outage. The media has not caught up yet: the receiver waits for a
   * keyframe it asks for only seconds later, and the sender's queue holds media nobody received.
   */
  recovered: [];
  /** Negotiation finished (back to 'stable'); encodings can be set from here on. */
  negotiated: [];
  state: [state: RTCPeerConnectionState];
  error: [error: Error];
}

/**
 * An offer unanswered this long was probably lost, or its answer was (relayed into a connection of
 * theirs that was dying, or a server that restarted): it is sent again, a few times, waiting
 * longer each time. A copy of an offer they already answered gets that answer again.
 */
export const ANSWER_WAIT_MS = 3000;
export const OFFER_SENDS = 4;

/**
 * One RTCPeerConnection to one remote participant, negotiated with MDN's "perfect negotiation"
 * pattern and trickle ICE, one transceiver per slot (slots.ts). Its PathWatch restarts ICE when
 * the network breaks (new credentials, same DTLS, media on the old path until a new one works);
 * either side may restart, and a simultaneous restart from both is an ordinary offer collision.
 * It says 'recovered' when the path is back after an outage.
 */
export class PeerLink implements RemotePeer {
  readonly pc: RTCPeerConnection;
  readonly events = new Emitter<PeerLinkEvents>();
  private readonly path: PathWatch;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private attached = false;
  private closed = false;
  /** Settles once the initiator's first offer is on its way (at once for the answering side). */
  firstOffer: Promise<void> = Promise.resolve();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private answerTimer: ReturnType<typeof setTimeout> | undefined;
  /** Signals are handled strictly in arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: PeerLinkOptions) {
    const pc = options.prepared ?? (options.createConnection ?? browserConnection)(connectionConfig(options));
    this.pc = pc;
    this.path = new PathWatch(pc, { restartIce: () => this.restartIce(), recovered: () => this.events.emit('recovered') });
    pc.onicecandidate = ({ candidate: c }) =>
      options.send({
        kind: 'candidate',
        candidate: c ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex, usernameFragment: c.usernameFragment } : null,
      });
    pc.onnegotiationneeded = () => void this.offer();
    pc.onconnectionstatechange = () => this.events.emit('state', pc.connectionState);
    pc.onsignalingstatechange = () => {
      if (pc.signalingState !== 'stable') return;
      this.path.negotiated();
      this.events.emit('negotiated');
    };
    pc.oniceconnectionstatechange = () => this.path.onIceState();
    if (options.prepared) this.sendPreparedOffer();
    else if (options.initiator) this.firstOffer = this.openNegotiation();
    else if (options.offerIfIdleMs !== undefined) {
      // Normally the other side offers first; if it does not (it kept an old connection to us
      // that we no longer have), we do, and it starts over when it sees our new certificate.
      this.idleTimer = setTimeout(() => {
        if (this.closed || this.pc.remoteDescription || this.attached) return;
        void this.openNegotiation();
        this.events.emit('tracks', this.receivedTracks());
      }, options.offerIfIdleMs);
    }
  }

  /** The initiator's side: the slots' transceivers, then the offer at once. */
  private openNegotiation(): Promise<void> {
    addSlotTransceivers(this.pc, this.options.localTracks(), this.options.localStream);
    this.attached = true;
    // Offer now rather than a task later: the 'negotiationneeded' that follows finds the offer
    // already made and does nothing.
    return this.offer();
  }

  /** The offer prepareOffer made, with what we send now (a camera switched since then is swapped in). */
  private sendPreparedOffer(): void {
    this.attached = true;
    this.sendLocalTracks();
    this.sendLocalDescription();
    this.awaitAnswer(1);
  }

  get remoteId(): string {
    return this.options.remoteId;
  }

  get polite(): boolean {
    return this.options.polite;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  /** Nothing negotiated yet, nothing offered: a connection that can take any first offer. */
  isPristine(): boolean {
    return this.pc.localDescription === null && this.pc.remoteDescription === null;
  }

  /**
   * Whether `offerSdp` is a copy of the offer this connection last answered: the same SDP origin
   * (session id and version). A later offer of the same session (a share adding its slots) has
   * the same ICE credentials and certificate, but a higher version: it is new, not a copy.
   */
  answered(offerSdp: string): boolean {
    const remote = this.pc.remoteDescription;
    return remote?.type === 'offer' && this.pc.signalingState === 'stable' && sameDescription(remote.sdp, offerSdp);
  }

  /**
   * Sends our current offer or answer, or sends it again for a peer that lost it: its SDP holds
   * every candidate gathered so far. Our first offer (no answer seen yet) is `fresh`: it opens a
   * new connection, and the other side starts over with it.
   */
  sendLocalDescription(): void {
    const description = this.pc.localDescription;
    if (this.closed || !description) return;
    const fresh = this.pc.remoteDescription === null;
    this.options.send({ kind: 'description', description: { type: description.type, sdp: description.sdp }, ...(fresh ? { fresh } : {}) });
  }

  /** An offer and its answer have been applied, and no new negotiation is under way. */
  isNegotiated(): boolean {
    return this.pc.signalingState === 'stable' && this.pc.remoteDescription !== null;
  }

  /** Our first offer is out and unanswered. */
  awaitingFirstAnswer(): boolean {
    return this.pc.remoteDescription === null && this.pc.signalingState === 'have-local-offer';
  }

  /** The DTLS certificate fingerprint the remote side uses, once known. */
  remoteFingerprint(): string | null {
    return fingerprintOf(this.pc.remoteDescription?.sdp ?? '');
  }

  /** A WebRTC negotiation message from the remote side (descriptions and candidates). */
  receive(body: NegotiationBody): void {
    this.queue = this.queue.then(() => this.handle(body)).catch((error: unknown) => this.fail(error));
  }

  /**
   * Swaps what one slot sends, on this connection only. A screen slot the connection does not
   * carry yet is added (with a renegotiation, see slots.ts), as is sending on one that so far only
   * received; anything else is a plain replaceTrack.
   */
  async replaceTrack(slot: Slot, track: MediaStreamTrack | null): Promise<void> {
    if (this.closed) return;
    const transceiver = slotTransceiver(this.pc, slot);
    if (!transceiver) {
      if (track) addLaterSlot(this.pc, slot, track, this.options.localStream);
      return;
    }
    if (track) this.startSending(transceiver);
    await transceiver.sender.replaceTrack(track);
  }

  /**
   * Puts each local track on its slot, and adds the screen slots this connection lacks while we
   * share. `everySlotSends`: the answering side's first answer, where every transceiver the offer
   * made starts sending, with a track or not (turning the camera on later is then no
   * renegotiation). The transceivers are read once: each read blocks on WebRTC's signaling thread.
   */
  private sendLocalTracks(everySlotSends = false): void {
    const tracks = this.options.localTracks();
    const transceivers = this.pc.getTransceivers();
    for (const [index, slot] of SLOTS.entries()) {
      const transceiver = transceivers[index];
      const track = tracks[slot];
      if (!transceiver) {
        if (track) addLaterSlot(this.pc, slot, track, this.options.localStream);
        continue;
      }
      if (track || everySlotSends) this.startSending(transceiver);
      if (transceiver.sender.track !== track) transceiver.sender.replaceTrack(track).catch((error: unknown) => this.fail(error));
    }
  }

  /** A transceiver that so far only received sends from now on (a renegotiation follows). */
  private startSending(transceiver: RTCRtpTransceiver): void {
    if (transceiver.direction.startsWith('send')) return;
    transceiver.direction = 'sendrecv';
    transceiver.sender.setStreams(this.options.localStream);
  }

  sender(slot: Slot): RTCRtpSender | undefined {
    return slotTransceiver(this.pc, slot)?.sender;
  }

  receiver(slot: Slot): RTCRtpReceiver | undefined {
    return slotTransceiver(this.pc, slot)?.receiver;
  }

  /**
   * Restarts ICE (the path watch decides when): new credentials and candidates in a new offer, the
   * DTLS session and the media going on. An offer of ours still unanswered (lost with the signaling
   * connection) is withdrawn first, so the restart goes out as a new one.
   */
  private restartIce(): void {
    this.queue = this.queue
      .then(async () => {
        if (this.closed) return;
        if (this.pc.signalingState === 'have-local-offer' && !this.makingOffer) await this.pc.setLocalDescription({ type: 'rollback' });
        // Fires 'negotiationneeded' (now, or once the connection is back to 'stable'): offer() does the rest.
        this.pc.restartIce();
      })
      .catch((error: unknown) => this.fail(error));
  }

  /** See PathWatch.watchQuiet: whether the path went quiet while our signaling was cut off. */
  watchQuiet(on: boolean): boolean {
    return this.path.watchQuiet(on);
  }

  /** How long since anything arrived from the other side over the connection's path (Infinity: never, or closed). */
  silentForMs(): Promise<number> {
    return this.path.silentForMs();
  }

  /** How many audio packets have come from the other side so far (see PathWatch.noteAudioPackets). */
  noteAudioPackets(count: number, at = performance.now()): void {
    this.path.noteAudioPackets(count, at);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.answerTimer);
    this.path.close();
    this.pc.close();
    this.events.clear();
  }

  private async offer(): Promise<void> {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.sendLocalDescription();
      if (this.pc.localDescription?.type === 'offer') this.awaitAnswer(1);
    } catch (error) {
      this.fail(error);
    } finally {
      this.makingOffer = false;
    }
  }

  /** Sends our offer again while it is unanswered (see ANSWER_WAIT_MS); a newer offer starts its own count. */
  private awaitAnswer(sent: number): void {
    clearTimeout(this.answerTimer);
    this.answerTimer = setTimeout(() => {
      if (this.closed || this.pc.signalingState !== 'have-local-offer') return;
      this.sendLocalDescription();
      if (sent + 1 < OFFER_SENDS) this.awaitAnswer(sent + 1);
    }, ANSWER_WAIT_MS * sent);
  }

  private async handle(body: NegotiationBody): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    if (body.kind === 'candidate') {
      try {
        await pc.addIceCandidate(body.candidate ?? undefined);
      } catch {
        // A candidate for a description we ignored or replaced (glare, a restarted connection): harmless.
      }
      return;
    }
    const description = body.description;
    // An answer with no offer of ours waiting: a copy of one we applied (sent again for a copy of
    // our offer), or a stale one. Nothing to do.
    if (description.type === 'answer' && pc.signalingState === 'stable') return;
    // A copy of the offer we answered: they lost our answer, which goes again.
    if (description.type === 'offer' && this.answered(description.sdp)) return this.sendLocalDescription();
    const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.options.polite && collision;
    if (this.ignoreOffer) return;

    this.settingRemoteAnswer = description.type === 'answer';
    await pc.setRemoteDescription(description);
    this.settingRemoteAnswer = false;
    if (description.type === 'offer') {
      if (!this.attached) this.attachLocalTracks();
      await pc.setLocalDescription();
      this.sendLocalDescription();
    }
    // After the answer is on its way: the page's reaction to new tracks never holds it up.
    this.events.emit('tracks', this.receivedTracks());
    // A share of ours that this connection does not carry yet (it started before the connection,
    // or while its first offer was on the way) is added now, in a negotiation of its own.
    if (pc.signalingState === 'stable') this.sendLocalTracks();
  }

  /**
   * The answering side puts its own tracks on the transceivers the first offer created. The
   * replaceTrack calls queue on the connection's operations chain ahead of the answer, so
   * nothing here waits.
   */
  private attachLocalTracks(): void {
    this.attached = true;
    this.sendLocalTracks(true);
  }

  /** Each slot's receiving track (see receivedTracks in slot-transceivers.ts). */
  receivedTracks(): SlotTracks {
    return receivedTracks(this.pc);
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    this.events.emit('error', error instanceof Error ? error : new Error(String(error)));
  }
}
