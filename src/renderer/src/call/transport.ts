import type { MediaRoute, SignalBody, SignalMessage } from '@roundtable/signaling-server/protocol';
import type { ViewSize } from './budget';
import type { Emitter } from './emitter';
import type { Slot, SlotTracks } from './slots';

/**
 * How the media to and from one participant is doing, as the meeting shows it. Coarser than a
 * connection's own states on purpose: a join goes new -> connecting -> connected within a fraction
 * of a second, and each new state renders the meeting again, right while the call comes up.
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'lost';

export function connectionStatus(state: RTCPeerConnectionState): ConnectionStatus {
  if (state === 'connected') return 'connected';
  return state === 'disconnected' || state === 'failed' ? 'lost' : 'connecting';
}

/**
 * One remote participant's media as a transport carries it: in the mesh their own connection (a
 * PeerLink), behind an SFU their tracks on the shared subscribe connection. A transport makes a new
 * one whenever it starts over with them, so holding one tells whether it is still the same.
 */
export interface RemotePeer {
  readonly remoteId: string;
  /** Whether media flows; the speaker levels and the quality bars leave a peer alone until it first does. */
  readonly connectionState: RTCPeerConnectionState;
  /** Statistics of what flows between us and them (asynchronous: nothing here blocks the page). */
  getStats(): Promise<RTCStatsReport>;
  /** The receiver of one of their slots, once it exists (the speaker levels read the microphone's). */
  receiver(slot: Slot): RTCRtpReceiver | undefined;
  /** How long since anything arrived from them (Infinity: never, or gone): a departure's heartbeat. */
  silentForMs(): Promise<number>;
  /** How many audio packets of theirs arrived so far, read with the speaker levels: a heartbeat too. */
  noteAudioPackets(count: number): void;
}

export interface TransportEvents {
  /** What arrives from a participant, by slot. A slot left out, or null, keeps the track known before. */
  tracks: [id: string, tracks: Partial<SlotTracks>];
  /** How the media to and from a participant is doing now. */
  connection: [id: string, status: ConnectionStatus];
  /** The transport started over with a participant: nothing of theirs arrives until new tracks come. */
  restarted: [id: string];
}

/** Someone the server lists as we enter the meeting, or again after our signaling came back. */
export interface PresentPeer {
  id: string;
  /** They started over themselves (a reload: a new session), so whatever we had with them is gone. */
  restarted: boolean;
}

/** What a transport needs of the call around it. */
export interface TransportContext {
  /** Relays a message to one participant through the signaling server. */
  send(to: string, body: SignalBody): void;
  /** What we send now, by slot (microphone, camera, screen and its sound). */
  localTracks(): SlotTracks;
  /** The stream our tracks are announced in. */
  readonly localStream: MediaStream;
  /** Whether the server lists this participant in the meeting (a message can overtake their arrival). */
  isListed(id: string): boolean;
  /** How many others are in the meeting. */
  othersCount(): number;
  /** Whether we are in the meeting now (not waiting, reconnecting or gone). */
  isJoined(): boolean;
}

/**
 * How media travels between this participant and the others: the mesh (one connection per
 * participant, mesh/) or, later, a selective forwarding unit (one publish and one subscribe
 * connection). The session tells it who comes and goes, what we send and how we show whom; it says
 * what arrives from whom and how each one's connection is doing.
 */
export interface CallTransport {
  readonly events: Emitter<TransportEvents>;
  /** On the pre-join screen: get the first connection ready, so that joining has less to do. */
  prepare(): void;
  /** In the meeting as `selfId`; connects to those already there, in order. Resolves once our offers are out. */
  start(selfId: string, present: readonly PresentPeer[]): Promise<void>;
  /** Someone arrived; `restarted`: someone we knew came back as a new session (a reload). */
  participantJoined(id: string, restarted: boolean): void;
  /** Someone is gone for good: whatever carried their media goes. */
  participantLeft(id: string): void;
  /** Our signaling connection dropped; the media goes on meanwhile. */
  signalingLost(): void;
  /** We are back in the meeting; the server lists `present`, in order. Stale connections start over. */
  signalingRestored(present: readonly PresentPeer[]): void;
  /** A message another participant relayed to us. */
  receiveSignal(message: SignalMessage): void;
  /** What we send changed (a mute, a camera, a share): each slot gets its track, without renegotiating where possible. */
  setLocalTracks(tracks: SlotTracks): void;
  /** How big we show `id`'s camera (device pixels, 0 x 0: not at all), so what is sent to us fits it. */
  setViewSize(id: string, size: ViewSize): void;
  /** How many people are in the meeting, us included (what we send depends on it). */
  setRoomSize(count: number): void;
  /** The STUN/TURN servers for every connection from now on (TURN credentials expire). */
  setIceServers(servers: RTCIceServer[]): void;
  /** How the meeting's media travels now, as the server says (a transport that has one route ignores it). */
  setRoute?(route: MediaRoute): void;
  /**
   * The server moved the meeting to an SFU while ours was in use: its SFU is a new one (the server
   * restarted, or another node of a cluster took the meeting over), so our connections to the old
   * one are made anew there at once, rather than when they notice it is gone.
   */
  sfuRenewed?(): void;
  /**
   * `id` plays everything of ours through the SFU now (the move, routed-transport.ts): send them
   * nothing more on their own connection, which stays open until we have moved them too.
   */
  stopSendingTo?(id: string): void;
  /** Everyone whose media it carries. */
  peers(): Iterable<RemotePeer>;
  peer(id: string): RemotePeer | undefined;
  /** The connection that carries `id`'s media, for statistics and diagnostics. */
  connectionTo(id: string): RTCPeerConnection | undefined;
  close(): void;
}
