import type { ConnectionFactory } from '../mesh/slot-transceivers';
import type { FakeTrack } from './fake-media';
import { intersect, readSdp, reverse, writeSdp, type FakeDescription, type FakeSection } from './fake-sdp';
import { FakeTransceiver, type FakeSender, type TransceiverOwner } from './fake-rtp';

/**
 * A fake RTCPeerConnection for unit tests of the mesh in Node, which has no WebRTC. It keeps the
 * rules the mesh relies on, after the WebRTC spec and Chromium:
 * - signaling states, with offers and answers made by a parameterless setLocalDescription, an
 *   implicit rollback when an offer arrives in have-local-offer, and rollback;
 * - transceivers with mids, directions and current directions; an offer's m-lines create the
 *   transceivers the other side lacks (addTrack's unassociated ones of the same kind are taken over);
 * - 'negotiationneeded' as a task, only when stable and with nothing in flight, and again after a
 *   negotiation that left something to do (a transceiver without a mid, a changed direction, an ICE
 *   restart);
 * - SDP with an origin line whose version goes up with each new description, a fingerprint per
 *   connection and a ufrag per ICE generation; one candidate gathered after each new ufrag (then
 *   null), and included in the local description from then on, as in a browser.
 * ICE does nothing by itself: a test drives it with setIceState.
 */
export class FakePeerConnection implements TransceiverOwner {
  private static made = 0;
  readonly name: string;
  readonly fingerprint: string;
  private readonly session: string;
  private version = 0;
  private ufrag: string;
  private restartPending = false;
  private gatheredFor: string | null = null;
  private candidates: string[] = [];

  signalingState: RTCSignalingState = 'stable';
  iceConnectionState: RTCIceConnectionState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  private pendingLocal: LocalDescription | null = null;
  private currentLocal: LocalDescription | null = null;
  /** The ufrag before the pending offer: a rollback of an ICE restart goes back to it. */
  private ufragBeforeOffer: string | null = null;
  private pendingRemote: { type: 'offer' | 'answer'; sdp: string } | null = null;
  private currentRemote: { type: 'offer' | 'answer'; sdp: string } | null = null;
  readonly transceivers: FakeTransceiver[] = [];
  /** Candidates the other side sent us. */
  readonly remoteCandidates: Array<RTCIceCandidateInit | null> = [];
  /** What getStats answers: a test may fill it. */
  stats = new Map<string, Record<string, unknown>>();
  closed = false;
  private operations = 0;
  private negotiationNeeded = false;
  private recheckWhenIdle = false;

  onicecandidate: ((event: { candidate: FakeCandidate | null }) => void) | null = null;
  onnegotiationneeded: (() => void) | null = null;
  onsignalingstatechange: (() => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;

  constructor(private configuration: RTCConfiguration) {
    FakePeerConnection.made += 1;
    this.name = `pc${FakePeerConnection.made}`;
    this.fingerprint = `FA:KE:${FakePeerConnection.made.toString(16).padStart(4, '0')}`;
    this.session = String(1000 + FakePeerConnection.made);
    this.ufrag = `${this.name}u0`;
  }

  get localDescription(): { type: 'offer' | 'answer'; sdp: string } | null {
    const description = this.pendingLocal ?? this.currentLocal;
    if (!description) return null;
    const candidates = this.gatheredFor === description.ufrag ? this.candidates : [];
    return { type: description.type, sdp: writeSdp({ ...description, candidates }) };
  }

  get remoteDescription(): { type: 'offer' | 'answer'; sdp: string } | null {
    return this.pendingRemote ?? this.currentRemote;
  }

  get currentRemoteDescription(): { type: 'offer' | 'answer'; sdp: string } | null {
    return this.currentRemote;
  }

  getConfiguration(): RTCConfiguration {
    return this.configuration;
  }

  setConfiguration(configuration: RTCConfiguration): void {
    this.configuration = configuration;
  }

  getTransceivers(): FakeTransceiver[] {
    return this.transceivers.filter((t) => !t.stopped);
  }

  addTransceiver(trackOrKind: FakeTrack | 'audio' | 'video', init: { direction?: RTCRtpTransceiverDirection } = {}): FakeTransceiver {
    this.assertOpen();
    const track = typeof trackOrKind === 'string' ? null : trackOrKind;
    const transceiver = new FakeTransceiver(this, track?.kind ?? (trackOrKind as 'audio' | 'video'), init.direction ?? 'sendrecv', track, false);
    this.transceivers.push(transceiver);
    this.updateNegotiationNeeded();
    return transceiver;
  }

  /** Takes over a transceiver of the kind that never sent and has no track, or adds one (the spec's addTrack). */
  addTrack(track: FakeTrack): FakeSender {
    this.assertOpen();
    const reusable = this.getTransceivers().find((t) => t.kind === track.kind && t.sender.track === null && !t.everSent);
    if (reusable) {
      reusable.sender.track = track;
      reusable.setDirectionQuietly(reusable.direction === 'recvonly' ? 'sendrecv' : reusable.direction === 'inactive' ? 'sendonly' : reusable.direction);
      this.updateNegotiationNeeded();
      return reusable.sender;
    }
    const transceiver = new FakeTransceiver(this, track.kind, 'sendrecv', track, true);
    this.transceivers.push(transceiver);
    this.updateNegotiationNeeded();
    return transceiver.sender;
  }

  restartIce(): void {
    this.restartPending = true;
    this.updateNegotiationNeeded();
  }

  setLocalDescription(description?: { type: 'rollback' | 'offer' | 'answer' }): Promise<void> {
    return this.operation(() => {
      if (description?.type === 'rollback') return this.rollback();
      if (this.signalingState === 'have-remote-offer') return this.makeAnswer();
      if (this.signalingState === 'stable' || this.signalingState === 'have-local-offer') return this.makeOffer();
      throw domError('InvalidStateError', `setLocalDescription in ${this.signalingState}`);
    });
  }

  setRemoteDescription(description: { type: RTCSdpType; sdp?: string }): Promise<void> {
    return this.operation(() => {
      const sdp = description.sdp ?? '';
      if (description.type === 'offer') {
        if (this.signalingState === 'have-local-offer') this.rollback();
        if (this.signalingState !== 'stable') throw domError('InvalidStateError', `remote offer in ${this.signalingState}`);
        this.applyRemoteOffer(sdp);
        return;
      }
      if (description.type === 'answer') {
        if (this.signalingState !== 'have-local-offer') throw domError('InvalidStateError', `remote answer in ${this.signalingState}`);
        this.applyRemoteAnswer(sdp);
        return;
      }
      throw domError('InvalidStateError', `unsupported description ${description.type}`);
    });
  }

  addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
    return this.operation(() => {
      if (this.remoteDescription === null) throw domError('InvalidStateError', 'a candidate before any remote description');
      this.remoteCandidates.push(candidate ?? null);
    });
  }

  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    await Promise.resolve();
    if (this.closed) throw domError('InvalidStateError', 'closed');
    return new Map(this.stats);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signalingState = 'closed';
    this.iceConnectionState = 'closed';
    this.connectionState = 'closed';
    for (const transceiver of this.transceivers) transceiver.stopped = true;
  }

  /** What ICE says now; fires the state events as a browser would (the connection's state follows ICE here). */
  setIceState(state: RTCIceConnectionState): void {
    if (this.closed || this.iceConnectionState === state) return;
    this.iceConnectionState = state;
    this.oniceconnectionstatechange?.();
    const connection = CONNECTION_FOR_ICE[state];
    if (connection !== this.connectionState) {
      this.connectionState = connection;
      this.onconnectionstatechange?.();
    }
  }

  /** The ICE username fragment of our current (or pending) local description. */
  get localUfrag(): string {
    return this.ufrag;
  }

  /** What a transceiver's direction change means: maybe a negotiation. */
  directionChanged(): void {
    this.updateNegotiationNeeded();
  }

  private makeOffer(): void {
    this.version += 1;
    this.ufragBeforeOffer = this.ufrag;
    if (this.restartPending && this.currentLocal) this.ufrag = `${this.name}u${this.version}`;
    this.restartPending = false;
    let next = Math.max(-1, ...this.transceivers.map((t) => (t.mid === null ? -1 : Number(t.mid)))) + 1;
    for (const transceiver of this.getTransceivers()) if (transceiver.mid === null) transceiver.mid = String(next++);
    const sections = this.sectionsInOrder().map((t): FakeSection => ({ kind: t.kind, mid: t.mid!, direction: t.direction }));
    this.pendingLocal = {
      type: 'offer',
      session: this.session,
      version: this.version,
      fingerprint: this.fingerprint,
      ufrag: this.ufrag,
      sections,
      candidates: [],
    };
    this.setSignalingState('have-local-offer');
    this.gather();
  }

  private makeAnswer(): void {
    const offer = readSdp(this.pendingRemote!.sdp);
    this.version += 1;
    const sections = offer.sections.map((section): FakeSection => {
      const transceiver = this.transceivers.find((t) => t.mid === section.mid)!;
      return { kind: section.kind, mid: section.mid, direction: intersect(transceiver.direction, reverse(section.direction)) };
    });
    this.currentLocal = {
      type: 'answer',
      session: this.session,
      version: this.version,
      fingerprint: this.fingerprint,
      ufrag: this.ufrag,
      sections,
      candidates: [],
    };
    this.pendingLocal = null;
    this.currentRemote = this.pendingRemote;
    this.pendingRemote = null;
    for (const [index, section] of sections.entries()) {
      this.transceivers.find((t) => t.mid === section.mid)!.negotiated(section.direction, offer.sections[index]!.direction);
    }
    this.setSignalingState('stable');
    this.gather();
  }

  private applyRemoteOffer(sdp: string): void {
    const offer = readSdp(sdp);
    // Their ICE restart: ours restarts too, with credentials of its own.
    const before = this.currentRemote && readSdp(this.currentRemote.sdp).ufrag;
    if (before && before !== offer.ufrag) {
      this.ufrag = `${this.name}u${this.version + 1}`;
      this.restartPending = false;
    }
    for (const section of offer.sections) {
      if (this.transceivers.some((t) => t.mid === section.mid && !t.stopped)) continue;
      const free = this.getTransceivers().find((t) => t.mid === null && t.createdByAddTrack && t.kind === section.kind);
      if (free) free.mid = section.mid;
      else {
        const transceiver = new FakeTransceiver(this, section.kind, 'recvonly', null, false);
        transceiver.mid = section.mid;
        this.transceivers.push(transceiver);
      }
    }
    // Transceivers the offer does not mention yet (ours, waiting for our own offer) keep no mid.
    this.pendingRemote = { type: 'offer', sdp };
    this.setSignalingState('have-remote-offer');
  }

  private applyRemoteAnswer(sdp: string): void {
    const answer = readSdp(sdp);
    this.currentLocal = this.pendingLocal;
    this.pendingLocal = null;
    this.currentRemote = { type: 'answer', sdp };
    this.pendingRemote = null;
    for (const section of answer.sections) this.transceivers.find((t) => t.mid === section.mid)?.negotiated(reverse(section.direction), section.direction);
    this.setSignalingState('stable');
  }

  private rollback(): void {
    if (this.signalingState === 'have-local-offer') {
      const kept = new Set(this.currentLocal?.sections.map((s) => s.mid) ?? []);
      for (const transceiver of this.transceivers) if (transceiver.mid !== null && !kept.has(transceiver.mid)) transceiver.mid = null;
      if (this.ufragBeforeOffer !== null && this.ufragBeforeOffer !== this.ufrag) {
        // The withdrawn offer restarted ICE: the restart is still to do.
        this.ufrag = this.ufragBeforeOffer;
        this.restartPending = true;
      }
      this.pendingLocal = null;
    } else if (this.signalingState === 'have-remote-offer') {
      this.pendingRemote = null;
      const kept = new Set(this.currentLocal?.sections.map((s) => s.mid) ?? []);
      for (const transceiver of this.transceivers) {
        if (transceiver.mid !== null && !kept.has(transceiver.mid)) {
          if (transceiver.createdByAddTrack || transceiver.sender.track) transceiver.mid = null;
          else transceiver.stopped = true;
        }
      }
    } else return;
    this.setSignalingState('stable');
  }

  /** m-line order: by mid. */
  private sectionsInOrder(): FakeTransceiver[] {
    return this.getTransceivers()
      .filter((t) => t.mid !== null)
      .sort((a, b) => Number(a.mid) - Number(b.mid));
  }

  private setSignalingState(state: RTCSignalingState): void {
    if (this.signalingState === state) return;
    this.signalingState = state;
    this.onsignalingstatechange?.();
    if (state === 'stable') {
      // Negotiated: if something is still to do (or came up meanwhile), it fires again.
      this.negotiationNeeded = false;
      this.updateNegotiationNeeded();
    }
  }

  /** Gathers one host candidate for a new ufrag, a task later, then says it is done (null). */
  private gather(): void {
    const ufrag = this.ufrag;
    if (this.gatheredFor === ufrag) return;
    setTimeout(() => {
      if (this.closed || this.ufrag !== ufrag || this.gatheredFor === ufrag) return;
      this.gatheredFor = ufrag;
      const candidate = `candidate:1 1 udp 2122260223 10.0.0.${FakePeerConnection.made % 250} 50000 typ host ufrag ${ufrag}`;
      this.candidates = [candidate];
      this.onicecandidate?.({ candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: ufrag } });
      this.onicecandidate?.({ candidate: null });
    }, 0);
  }

  /** Runs one operation of the connection's chain (asynchronously, as a browser answers from its own thread). */
  private operation(run: () => void): Promise<void> {
    this.operations += 1;
    return Promise.resolve()
      .then(() => {
        this.assertOpen();
        run();
      })
      .finally(() => {
        this.operations -= 1;
        if (this.operations === 0 && this.recheckWhenIdle) {
          this.recheckWhenIdle = false;
          this.updateNegotiationNeeded();
        }
      });
  }

  /** The spec's "update the negotiation-needed flag", with the event fired in a task. */
  private updateNegotiationNeeded(): void {
    if (this.closed) return;
    if (this.operations > 0) {
      this.recheckWhenIdle = true;
      return;
    }
    if (this.signalingState !== 'stable') return;
    if (!this.isNegotiationNeeded()) {
      this.negotiationNeeded = false;
      return;
    }
    if (this.negotiationNeeded) return;
    this.negotiationNeeded = true;
    setTimeout(() => {
      if (this.closed || !this.negotiationNeeded) return;
      if (this.operations > 0) {
        this.negotiationNeeded = false;
        this.recheckWhenIdle = true;
        return;
      }
      if (this.signalingState !== 'stable') return;
      if (!this.isNegotiationNeeded()) {
        this.negotiationNeeded = false;
        return;
      }
      this.onnegotiationneeded?.();
    }, 0);
  }

  private isNegotiationNeeded(): boolean {
    if (this.restartPending) return true;
    const local = this.currentLocal;
    for (const transceiver of this.getTransceivers()) {
      const section = local?.sections.find((s) => s.mid === transceiver.mid);
      if (transceiver.mid === null || !section) return true;
      const wanted = local?.type === 'offer' ? transceiver.direction : intersect(transceiver.direction, reverse(transceiver.remoteDirection));
      if (wanted !== section.direction) return true;
    }
    return false;
  }

  private assertOpen(): void {
    if (this.closed) throw domError('InvalidStateError', 'the connection is closed');
  }
}

const CONNECTION_FOR_ICE: Record<RTCIceConnectionState, RTCPeerConnectionState> = {
  new: 'new',
  checking: 'connecting',
  connected: 'connected',
  completed: 'connected',
  disconnected: 'disconnected',
  failed: 'failed',
  closed: 'closed',
};

type LocalDescription = FakeDescription & { type: 'offer' | 'answer' };

export interface FakeCandidate {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
  usernameFragment: string | null;
}

function domError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A ConnectionFactory that makes fakes, and the fakes it made (the engine holds them typed as
 * RTCPeerConnection; `fakeOf` gives a test the fake behind one).
 */
export function fakeConnections(): { create: ConnectionFactory; made: FakePeerConnection[]; fakeOf(pc: RTCPeerConnection | undefined): FakePeerConnection } {
  const made: FakePeerConnection[] = [];
  const create: ConnectionFactory = (config) => {
    const fake = new FakePeerConnection(config);
    made.push(fake);
    // The one place the fake passes for the real thing: it has what the mesh uses of it.
    return fake as unknown as RTCPeerConnection;
  };
  const fakeOf = (pc: RTCPeerConnection | undefined): FakePeerConnection => {
    const fake = made.find((candidate) => (candidate as unknown) === pc);
    if (!fake) throw new Error('not a connection this factory made');
    return fake;
  };
  return { create, made, fakeOf };
}
