import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Result } from '../protocol/index.js';
import type { Waiter } from '../rooms/meetings.js';
import type { Member } from '../rooms/registry.js';
import type { PasscodeCounterStore } from '../rooms/passcode.js';

/** What a node asks the node that runs a meeting to do for one of its connections. */
export type ClusterRequest =
  | { kind: 'event'; event: string; payload: unknown; socketId: string; address: string }
  | { kind: 'disconnect'; socketId: string; address: string; reason: 'disconnected' | 'timed-out' }
  /** Is this connection (on the asking node) in the meeting, or waiting for it, here? */
  | { kind: 'present'; socketId: string };

/**
 * The owner's answer; `moved`: the asked node no longer runs the meeting (another took it over
 * while it was out of touch): ask whoever runs it now.
 */
export type ClusterReply = Result<object> | { moved: true };

/** A member as the cluster records them, with the node their connection is on. */
export type ClusterMember = Member & { node: string };
/** Someone in a meeting's waiting room, with the node their connection is on. */
export type ClusterWaiter = Waiter & { node: string };

/**
 * The nodes that serve meetings together. Each meeting runs on one node (its owner), which holds
 * its state and applies its rules; requests from people connected to other nodes are handed to it.
 * A node that dies loses its meetings to the next node that needs them, which takes them over from
 * what it saved (the store and the cluster's record of who is in each, and who waits).
 *
 * Ownership is a lease: a node runs its meetings only while its heartbeat keeps its key alive in
 * Redis. A node that was out of touch longer than that (paused, cut off from Redis, or Redis lost
 * everything) checks which meetings are still its own before it acts on them again.
 */
export interface Cluster {
  readonly nodeId: string;
  /** False for a server on its own: every meeting is here. */
  readonly clustered: boolean;
  /**
   * The node running `code` (claimed for this node when nobody alive runs it); `tookOver`: this
   * node just took it from another, whose copy is out of date. Asking renews the asker's lease.
   */
  ownerOf(code: string): Promise<{ node: string; tookOver: boolean }>;
  /** Whether this node still runs `code` (checked in Redis, atomically; renews the lease when it does). */
  owns(code: string): Promise<boolean>;
  /**
   * True while nobody can have taken this node's meetings: its lease has not run out since it last
   * checked them. False between losing touch and having checked again (then act only after `owns`).
   */
  holdsLease(): boolean;
  /** The meeting ended here and nobody waits for it: whoever touches the code next runs it. */
  release(code: string): Promise<void>;
  /** Hands `request` to `node`; resolves with its reply (rejects if it does not answer in time). */
  call(node: string, request: ClusterRequest): Promise<ClusterReply>;
  /** What this node does with the requests the others hand it (`from`: the node that sent it). */
  serve(handler: (request: ClusterRequest & { from: string }) => Promise<ClusterReply>): void;
  isAlive(node: string): Promise<boolean>;
  /** Who is in `code` (and how: media, hand, recording), as its owner last recorded, for a node taking it over. */
  saveMember(code: string, member: ClusterMember): void;
  dropMember(code: string, id: string): void;
  members(code: string): Promise<ClusterMember[]>;
  /** Who waits in `code`'s waiting room, as its owner last recorded. */
  saveWaiter(code: string, waiter: ClusterWaiter): void;
  dropWaiter(code: string, id: string): void;
  waiters(code: string): Promise<ClusterWaiter[]>;
  /** Token buckets shared by every node: true when `key` may spend one now. */
  take(key: string, perSecond: number, burst: number): Promise<boolean>;
  /** Where the passcode gate keeps its counters so a node taking a meeting over has them (none on its own: memory only). */
  readonly passcodeCounters: PasscodeCounterStore | undefined;
  /**
   * Called when this node was out of touch (its lease ran out, or Redis came back, possibly empty):
   * the listener checks which meetings are still its own and says again who is in them. The lease
   * counts as held again once every listener has finished.
   */
  onResume(listener: () => Promise<void>): void;
  /** Whether the cluster can be used now (Redis answers and this node holds its lease), for /readyz. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** The node a request was handed to stopped (its key is gone) before it answered: ask whoever runs the meeting now. */
export class NodeGone extends Error {
  constructor(readonly node: string) {
    super(`node ${node} stopped`);
    this.name = 'NodeGone';
  }
}

export const newNodeId = (): string => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

/** A server on its own: every meeting is on this node, nothing is shared. */
export class SoloCluster implements Cluster {
  readonly clustered = false;
  readonly passcodeCounters = undefined;
  constructor(readonly nodeId = 'solo') {}
  async ownerOf(): Promise<{ node: string; tookOver: boolean }> {
    return { node: this.nodeId, tookOver: false };
  }
  async owns(): Promise<boolean> {
    return true;
  }
  holdsLease(): boolean {
    return true;
  }
  async release(): Promise<void> {}
  async call(): Promise<ClusterReply> {
    throw new Error('a server on its own has no other nodes');
  }
  serve(): void {}
  async isAlive(node: string): Promise<boolean> {
    return node === this.nodeId;
  }
  saveMember(): void {}
  dropMember(): void {}
  async members(): Promise<ClusterMember[]> {
    return [];
  }
  saveWaiter(): void {}
  dropWaiter(): void {}
  async waiters(): Promise<ClusterWaiter[]> {
    return [];
  }
  async take(): Promise<boolean> {
    return true;
  }
  onResume(): void {}
  async healthy(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}
