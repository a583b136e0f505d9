import type { SignalBody } from '@roundtable/signaling-server/protocol';
import { Emitter } from './emitter';
import { SilenceWatch } from './silence-watch';
import { FIRST_OFFER_SLOTS, noTracks, SLOTS, SLOT_KIND, type Slot, type SlotTracks } from './slots';

/** The messages perfect negotiation exchanges (view hints are for the call, not the connection). */
export type NegotiationBody = Exclude<SignalBody, { kind: 'view' }>;

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

/** ICE 'disconnected' this long (it often comes back by itself) and still not back: restart, rather than wait for 'failed'. */
const ICE_RESTART_GRACE_MS = 1000;
/** A restart that has not brought the connection back within this long is tried again. */
const ICE_RETRY_MS = 5000;
/**
 * Negotiated this long ago and ICE still not up: its candidates were lost on the way (a signaling
 * connection that dropped, a server that refused a burst), and with none from the other side ICE
 * waits forever without ever saying 'failed'. An ICE restart gathers and sends new ones.
 */
const CONNECT_WAIT_MS = 8000;
/**
 * An offer unanswered this long was probably lost, or its answer was (relayed into a connection of
 * theirs that was dying, or a server that restarted): it is sent again, a few times, waiting
 * longer each time. A copy of an offer they already answered gets that answer again.
 */
const ANSWER_WAIT_MS = 3000;
const OFFER_SENDS = 4;
/** No packet from the other side for this long: the path is dead even if ICE has not noticed yet. */
const QUIET_MS = 1000;
/**
 * The other side's audio stopped arriving this long (it sends even while muted): the path is down.
 * ICE takes 5 s or more to say so, and a shorter outage it never reports at all.
 */
const SILENT_AUDIO_MS = 2000;

/**
 * One RTCPeerConnection to one remote participant, negotiated with MDN's "perfect negotiation"
 * pattern and trickle ICE. When the network breaks, it restarts ICE (new credentials, same DTLS,
 * media on the old path until a new one works) as soon as ICE reports 'disconnected' for a short
 * grace, or at once on 'failed'; either side may restart, and a simultaneous restart from both is
 * an ordinary offer collision. It says 'recovered' when the path is back after an outage, whether
 * ICE noticed the outage or only the other side's audio stopped meanwhile (noteAudioPackets).
 */
export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly events = new Emitter<PeerLinkEvents>();
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private attached = false;
  private closed = false;
  /** Settles once the initiator's first offer is on its way (at once for the answering side). */
  firstOffer: Promise<void> = Promise.resolve();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private answerTimer: ReturnType<typeof setTimeout> | undefined;
  private quietTimer: ReturnType<typeof setInterval> | undefined;
  private wentQuiet = false;
  /** ICE went 'disconnected' or 'failed', or their audio went silent, and the connection has not been back since. */
  private down = false;
  private readonly audioSilence = new SilenceWatch(SILENT_AUDIO_MS);
  /** Signals are handled strictly in arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: PeerLinkOptions) {
    const pc = options.prepared ?? new RTCPeerConnection(connectionConfig(options));
    this.pc = pc;
    pc.onicecandidate = ({ candidate: c }) =>
      options.send({
        kind: 'candidate',
        candidate: c ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex, usernameFragment: c.usernameFragment } : null,
      });
    pc.onnegotiationneeded = () => void this.offer();
    pc.onconnectionstatechange = () => this.events.emit('state', pc.connectionState);
    pc.onsignalingstatechange = () => {
      if (pc.signalingState !== 'stable') return;
      this.watchConnecting();
      this.events.emit('negotiated');
    };
    pc.oniceconnectionstatechange = () => this.onIceState();
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

  get polite(): boolean {
    return this.options.polite;
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

  get remoteId(): string {
    return this.options.remoteId;
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
    const transceiver = this.transceiver(slot);
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
    return this.transceiver(slot)?.sender;
  }

  receiver(slot: Slot): RTCRtpReceiver | undefined {
    return this.transceiver(slot)?.receiver;
  }

  /**
   * Restarts ICE: new credentials and candidates in a new offer, the DTLS session and the media
   * going on. An offer of ours still unanswered (lost with the signaling connection) is withdrawn
   * first, so the restart goes out as a new one. Tried again while the connection stays down.
   */
  private restartIce(): void {
    if (this.closed) return;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.restartIceUnlessUpIn(ICE_RETRY_MS);
    this.queue = this.queue
      .then(async () => {
        if (this.closed) return;
        if (this.pc.signalingState === 'have-local-offer' && !this.makingOffer) await this.pc.setLocalDescription({ type: 'rollback' });
        // Fires 'negotiationneeded' (now, or once the connection is back to 'stable'): offer() does the rest.
        this.pc.restartIce();
      })
      .catch((error: unknown) => this.fail(error));
  }

  /**
   * Watches, while our signaling is cut off, whether anything still arrives from the other side
   * (ICE takes several seconds to notice a dead path, and may never if it comes back in time).
   * `watchQuiet(false)` stops and answers whether the path went quiet meanwhile: if it did, the
   * sender's queue filled up with media nobody received, and a new connection is the fastest way
   * back (an ICE restart keeps that queue).
   */
  watchQuiet(on: boolean): boolean {
    clearInterval(this.quietTimer);
    this.quietTimer = undefined;
    const wentQuiet = this.wentQuiet;
    this.wentQuiet = false;
    if (on && !this.closed) {
      this.quietTimer = setInterval(() => void this.checkQuiet(), QUIET_MS / 2);
      void this.checkQuiet();
    }
    return wentQuiet;
  }

  /** How long since anything arrived from the other side over the connection's path (Infinity: never, or closed). */
  async silentForMs(): Promise<number> {
    let silent = Number.POSITIVE_INFINITY;
    try {
      const report = await this.pc.getStats();
      report.forEach((entry: { type: string; selectedCandidatePairId?: string }) => {
        if (entry.type !== 'transport' || !entry.selectedCandidatePairId) return;
        const pair = report.get(entry.selectedCandidatePairId) as { timestamp: number; lastPacketReceivedTimestamp?: number } | undefined;
        if (pair?.lastPacketReceivedTimestamp !== undefined) silent = Math.min(silent, pair.timestamp - pair.lastPacketReceivedTimestamp);
      });
    } catch {
      // closed meanwhile
    }
    return silent;
  }

  private async checkQuiet(): Promise<void> {
    if (this.pc.remoteDescription === null) return;
    if ((await this.silentForMs()) >= QUIET_MS && this.quietTimer !== undefined) this.wentQuiet = true;
  }

  /**
   * How many audio packets have come from the other side so far (read with the active speaker's
   * levels). Their microphone sends even while muted, so a count that stops growing is a path
   * that died, and one that grows again is a path that came back: 'recovered', as when ICE itself
   * comes back, so the call starts over on a new connection instead of a frozen picture.
   */
  noteAudioPackets(count: number, at = performance.now()): void {
    const change = this.audioSilence.note(count, at);
    if (change === 'silent') void this.confirmSilence();
    if (change === 'resumed' && this.down && this.isUp()) {
      this.down = false;
      this.events.emit('recovered');
    }
  }

  /**
   * Their audio can pause on its own (a source swapped for one that is slow to start, such as an
   * FFmpeg capture): the path is down only if nothing at all, video included, arrives either.
   */
  private async confirmSilence(): Promise<void> {
    if ((await this.silentForMs()) >= QUIET_MS) this.down = true;
  }

  private isUp(): boolean {
    const state = this.pc.iceConnectionState;
    return state === 'connected' || state === 'completed';
  }

  /** Restarts ICE `ms` from now if it is not up by then (the one pending restart: a new call replaces it). */
  private restartIceUnlessUpIn(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.closed && !this.isUp()) this.restartIce();
    }, ms);
  }

  /** Just negotiated and ICE not up: it gets CONNECT_WAIT_MS. An outage (`down`) has its own restarts. */
  private watchConnecting(): void {
    if (!this.down && !this.isUp() && this.pc.remoteDescription !== null) this.restartIceUnlessUpIn(CONNECT_WAIT_MS);
  }

  private onIceState(): void {
    const state = this.pc.iceConnectionState;
    if (this.isUp() || state === 'closed') {
      clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
      clearTimeout(this.retryTimer);
      if (this.down && this.isUp()) this.events.emit('recovered');
      this.down = false;
      return;
    }
    if (state === 'disconnected' || state === 'failed') this.down = true;
    if (state === 'failed') return this.restartIce();
    if (state === 'disconnected' && this.graceTimer === undefined) {
      this.graceTimer = setTimeout(() => {
        this.graceTimer = undefined;
        const now = this.pc.iceConnectionState;
        if (!this.closed && (now === 'disconnected' || now === 'failed')) this.restartIce();
      }, ICE_RESTART_GRACE_MS);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.graceTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.answerTimer);
    clearInterval(this.quietTimer);
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

  /**
   * Each slot's receiving track. A transceiver's track is there from the moment it exists (muted
   * until media comes), and stays: the offering side knows them before the answer, the answering
   * side once it applied the offer. Reading them beats 'track' events, which come one per slot,
   * each followed by the page's reaction, in the same task that completes the negotiation.
   */
  receivedTracks(): SlotTracks {
    const tracks = noTracks();
    const transceivers = this.pc.getTransceivers();
    for (const [index, slot] of SLOTS.entries()) tracks[slot] = transceivers[index]?.receiver.track ?? null;
    return tracks;
  }

  private transceiver(slot: Slot): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers()[SLOTS.indexOf(slot)];
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    this.events.emit('error', error instanceof Error ? error : new Error(String(error)));
  }
}

type ConnectionChoices = Pick<PeerLinkOptions, 'iceServers' | 'relayOnly'>;

function connectionConfig({ iceServers, relayOnly }: ConnectionChoices): RTCConfiguration {
  return { iceServers, iceTransportPolicy: relayOnly ? 'relay' : 'all', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
}

/**
 * The first offer's transceivers, in SLOTS order, sending what we have: the microphone and the
 * camera always, the screen slots only while we share.
 */
function addSlotTransceivers(pc: RTCPeerConnection, tracks: SlotTracks, stream: MediaStream): void {
  let added = 0;
  for (const [index, slot] of SLOTS.entries()) {
    const track = tracks[slot];
    // A screen slot lands at its place only if the ones before it are there.
    if (!FIRST_OFFER_SLOTS.includes(slot) && !(track && added === index)) continue;
    pc.addTransceiver(track ?? SLOT_KIND[slot], { direction: 'sendrecv', streams: [stream] });
    added += 1;
  }
}

/**
 * Adds, once the first negotiation is done, the transceiver of a slot the first offer left out,
 * sending `track`, if the slots before it exist (it must land at its slot's place).
 * - `addTrack`, not `addTransceiver`: if the other side adds the same slot at the same moment,
 *   the side that yields takes theirs over for its track instead of adding one more.
 * - Not before: `addTrack` also takes over a transceiver of the same kind that has never sent and
 *   has no track, such as a camera slot not negotiated yet while the camera is off.
 */
function addLaterSlot(pc: RTCPeerConnection, slot: Slot, track: MediaStreamTrack, stream: MediaStream): void {
  if (pc.currentRemoteDescription && pc.getTransceivers().length === SLOTS.indexOf(slot)) pc.addTrack(track, stream);
}

/**
 * A connection for the first person we will offer to, made before we know who that is: its
 * certificate, transceivers and offer are ready, and its candidates gathered (into the offer), by
 * the time we join. Nothing leaves the page until a PeerLink takes it over (`prepared`).
 */
export async function prepareOffer(choices: ConnectionChoices, tracks: SlotTracks, stream: MediaStream): Promise<RTCPeerConnection> {
  const pc = new RTCPeerConnection(connectionConfig(choices));
  try {
    addSlotTransceivers(pc, tracks, stream);
    await pc.setLocalDescription();
    return pc;
  } catch (error) {
    pc.close();
    throw error;
  }
}

/**
 * Two copies of one description: the same origin line (`o=`: session id and version). The version
 * goes up with every new offer or answer a connection makes; the candidates gathered since it
 * was made, which a copy sent again carries, leave it as it was.
 */
export function sameDescription(a: string, b: string): boolean {
  const origin = (sdp: string): string | null => /^o=(.+)$/m.exec(sdp)?.[1]?.trim() ?? null;
  return origin(a) !== null && origin(a) === origin(b);
}

/** The `a=fingerprint` of an SDP: which DTLS certificate that side's connection uses. */
export function fingerprintOf(sdp: string): string | null {
  return /^a=fingerprint:(.+)$/m.exec(sdp)?.[1]?.trim() ?? null;
}
