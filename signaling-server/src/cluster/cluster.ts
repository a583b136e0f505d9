import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Result } from '../protocol/index.js';
import type { Member } from '../rooms/registry.js';

/** What a node asks the node that runs a meeting to do for one of its connections. */
export type ClusterRequest =
  | { kind: 'event'; event: string; payload: unknown; socketId: string; address: string }
  | { kind: 'disconnect'; socketId: string; address: string; reason: 'disconnected' | 'timed-out' };

export type ClusterReply = Result<object>;

/**
 * The nodes that serve meetings together. Each meeting runs on one node (its owner), which holds
 * its state and applies its rules; requests from people connected to other nodes are handed to it.
 * A node that dies loses its meetings to the next node that needs them, which takes them over from
 * what it saved (the store and the cluster's record of who is in each).
 */
export interface Cluster {
  readonly nodeId: string;
  /** False for a server on its own: every meeting is here. */
  readonly clustered: boolean;
  /** The node running `code` (claimed for this node when nobody alive runs it); `tookOver`: this node just took it from one that died. */
  ownerOf(code: string): Promise<{ node: string; tookOver: boolean }>;
  /** The meeting ended here and nobody waits for it: whoever touches the code next runs it. */
  release(code: string): Promise<void>;
  /** Hands `request` to `node`; resolves with its reply (rejects if it does not answer in time). */
  call(node: string, request: ClusterRequest): Promise<ClusterReply>;
  /** What this node does with the requests the others hand it (`from`: the node that sent it). */
  serve(handler: (request: ClusterRequest & { from: string }) => Promise<ClusterReply>): void;
  isAlive(node: string): Promise<boolean>;
  /** Who is in `code`, as its owner last recorded (for a node taking the meeting over). */
  saveMember(code: string, member: Member & { node: string }): void;
  dropMember(code: string, id: string): void;
  members(code: string): Promise<Array<Member & { node: string }>>;
  /** Token buckets shared by every node: true when `key` may spend one now. */
  take(key: string, perSecond: number, burst: number): Promise<boolean>;
  /** Called when the cluster's shared state was lost (Redis restarted): re-save what this node holds. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export const newNodeId = (): string => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

/** A server on its own: every meeting is on this node, nothing is shared. */
export class SoloCluster implements Cluster {
  readonly clustered = false;
  constructor(readonly nodeId = 'solo') {}
  async ownerOf(): Promise<{ node: string; tookOver: boolean }> {
    return { node: this.nodeId, tookOver: false };
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
  async members(): Promise<Array<Member & { node: string }>> {
    return [];
  }
  async take(): Promise<boolean> {
    return true;
  }
  onReconnect(): void {}
  async close(): Promise<void> {}
}
