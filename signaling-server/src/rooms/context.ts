import type { IceServer } from '../protocol/index.js';
import type { SignalingIo } from './io.js';
import type { MemberSocket } from './member-socket.js';
import type { Cluster } from '../cluster/cluster.js';
import type { Logger } from '../logger.js';
import type { AddressBook } from '../limits/index.js';
import type { ServerStore } from '../store/store.js';
import type { FileService } from '../files/service.js';
import type { MeetingJournal } from '../records/journal.js';
import type { StateBroadcaster } from './broadcast.js';
import type { DispatchTarget } from './dispatch.js';
import type { MeetingBook } from './meetings.js';
import type { PasscodeGate } from './passcode.js';
import type { RoomRegistry } from './registry.js';
import type { SfuGateway } from './sfu-gateway.js';

export type { SignalingIo, SignalingSocket } from './io.js';

/** How much chat a participant may send, and a meeting may hold (defaults: protocol LIMITS). */
export interface ChatLimits {
  perSecond: number;
  burst: number;
  maxMessagesPerMeeting: number;
  maxBytesPerMeeting: number;
}

/** What every handler of every connection shares: the server's state and its rules. */
export interface ServerState {
  io: SignalingIo;
  registry: RoomRegistry;
  meetings: MeetingBook;
  store: ServerStore;
  passcodes: PasscodeGate;
  addresses: AddressBook;
  broadcast: StateBroadcaster;
  now: () => number;
  log: Logger;
  /** People in one meeting, waiting room included. */
  maxRoomSize: number;
  /** How long a kept meeting's chat stays after the meeting ends. */
  chatRetentionMs: number;
  chatLimits: ChatLimits;
  /** What happened in each meeting, for its host (records/). */
  journal: MeetingJournal;
  /** Files in the chat: limits, tokens, uploads under way (files/). */
  files: FileService;
  /** How long a host who lost their connection keeps the role (and an empty meeting its rules). */
  hostGraceMs: number;
  /** After a restart, how long a meeting that was running waits for its people. */
  restartGraceMs: number;
  /** The meetings a restart interrupted are back in memory (joins wait for it). */
  ready: Promise<void>;
  /** The server is shutting down: connections closing now do not end meetings. */
  closing: boolean;
  /** The STUN/TURN servers a participant gets (TURN credentials made for them). */
  iceServersFor(participantId: string): IceServer[];
  /** A participant's connection by its id: on this node, or (in a cluster) a stand-in for one on another. */
  socketById(socketId: string): MemberSocket | undefined;
  /** The nodes this server shares meetings with (on its own: just itself). */
  cluster: Cluster;
  /** The node a connection is on. */
  nodeOf(socketId: string): string;
  /** The selective forwarding unit big meetings move to (null: none, every meeting is a mesh). */
  sfu: SfuGateway | null;
  /** The meeting size at which its media moves to the SFU (null: never). */
  sfuFrom: number | null;
}

/** One connection's view: the shared state, the socket, and where it comes from. */
export interface RoomContext extends ServerState, DispatchTarget {
  socket: MemberSocket;
  /** The client's network address (see limits/address.ts). */
  address: string;
}
