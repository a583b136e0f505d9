import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Member } from '../rooms/registry.js';
import { newNodeId, type Cluster, type ClusterReply, type ClusterRequest } from './cluster.js';

const PREFIX = 'rt:';
/** A node is alive while its key is: refreshed every HEARTBEAT_MS, gone DEAD_AFTER_MS after it stops. */
const HEARTBEAT_MS = 400;
const DEAD_AFTER_MS = 1500;
const CALL_TIMEOUT_MS = 4000;

/** Who runs `code`: the recorded owner while its node lives, else this node (and it says it took over). */
const OWNER_OF = `
local owner = redis.call('GET', KEYS[1])
if owner and redis.call('EXISTS', KEYS[2] .. owner) == 1 then return {owner, 0} end
redis.call('SET', KEYS[1], ARGV[1])
if owner and owner ~= ARGV[1] then return {ARGV[1], 1} end
return {ARGV[1], 0}`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 1`;

/** A token bucket: ARGV = per second, burst, now (ms). 1 when a token was taken. */
const TAKE = `
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
local taken = 0
if tokens >= 1 then tokens = tokens - 1 taken = 1 end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return taken`;

interface Envelope {
  id: number;
  from: string;
  request?: ClusterRequest;
  reply?: ClusterReply;
}

/**
 * The cluster in Redis (`--redis-url`): node liveness (a key each node refreshes), which node runs
 * each meeting (claimed atomically, taken over from a node that died), who is in each meeting,
 * token buckets shared by all nodes, and requests handed between nodes (pub/sub, one channel per
 * node). Broadcasts to a meeting's people go through Socket.IO's Redis streams adapter.
 */
export class RedisCluster implements Cluster {
  readonly clustered = true;
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly pending = new Map<
    number,
    { resolve: (reply: ClusterReply) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  private handler: ((request: ClusterRequest & { from: string }) => Promise<ClusterReply>) | null = null;
  private readonly reconnectListeners: Array<() => void> = [];
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private nextId = 1;
  private everReady = false;

  private constructor(
    url: string,
    readonly nodeId: string,
    private readonly log: Logger,
  ) {
    const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true, retryStrategy: (times: number) => Math.min(times * 100, 1000) };
    this.commands = new Redis(url, options);
    this.subscriber = new Redis(url, options);
    for (const client of [this.commands, this.subscriber]) client.on('error', (error: Error) => this.log.warn(`redis: ${error.message}`));
    this.commands.defineCommand('rtOwnerOf', { numberOfKeys: 2, lua: OWNER_OF });
    this.commands.defineCommand('rtRelease', { numberOfKeys: 1, lua: RELEASE });
    this.commands.defineCommand('rtTake', { numberOfKeys: 1, lua: TAKE });
    this.subscriber.on('message', (_channel: string, text: string) => this.onMessage(text));
    this.commands.on('ready', () => {
      // The first time: starting. Later: Redis came back (possibly empty): say again what we hold.
      if (this.everReady) for (const listener of this.reconnectListeners) listener();
      this.everReady = true;
      void this.beat();
    });
  }

  /** Connects to `url` and starts this node's heartbeat; the `redis` client used by the adapter is separate. */
  static async connect(url: string, log: Logger, nodeId = newNodeId()): Promise<RedisCluster> {
    const cluster = new RedisCluster(url, nodeId, log);
    await cluster.subscriber.subscribe(`${PREFIX}rpc:${nodeId}`);
    await cluster.beat();
    cluster.heartbeat = setInterval(() => void cluster.beat(), HEARTBEAT_MS);
    cluster.heartbeat.unref?.();
    return cluster;
  }

  private async beat(): Promise<void> {
    await this.commands.set(`${PREFIX}node:${this.nodeId}`, '1', 'PX', DEAD_AFTER_MS).catch(() => undefined);
  }

  async ownerOf(code: string): Promise<{ node: string; tookOver: boolean }> {
    const [node, tookOver] = (await (this.commands as unknown as { rtOwnerOf(...args: string[]): Promise<[string, number]> }).rtOwnerOf(
      `${PREFIX}owner:${code}`,
      `${PREFIX}node:`,
      this.nodeId,
    )) as [string, number];
    return { node, tookOver: tookOver === 1 };
  }

  async release(code: string): Promise<void> {
    await (this.commands as unknown as { rtRelease(...args: string[]): Promise<number> }).rtRelease(`${PREFIX}owner:${code}`, this.nodeId);
    await this.commands.del(`${PREFIX}members:${code}`);
  }

  call(node: string, request: ClusterRequest): Promise<ClusterReply> {
    const id = this.nextId++;
    return new Promise<ClusterReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`node ${node} did not answer`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      const envelope: Envelope = { id, from: this.nodeId, request };
      this.commands.publish(`${PREFIX}rpc:${node}`, JSON.stringify(envelope)).catch((error: Error) => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  serve(handler: (request: ClusterRequest & { from: string }) => Promise<ClusterReply>): void {
    this.handler = handler;
  }

  private onMessage(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (envelope.reply) {
      const waiting = this.pending.get(envelope.id);
      if (!waiting) return;
      this.pending.delete(envelope.id);
      clearTimeout(waiting.timer);
      waiting.resolve(envelope.reply);
      return;
    }
    if (!envelope.request || !this.handler) return;
    void this.handler({ ...envelope.request, from: envelope.from })
      .catch((error: unknown) => ({ ok: false as const, error: { code: 'internal' as const, message: (error as Error).message } }))
      .then((reply) => this.commands.publish(`${PREFIX}rpc:${envelope.from}`, JSON.stringify({ id: envelope.id, from: this.nodeId, reply })))
      .catch(() => undefined);
  }

  async isAlive(node: string): Promise<boolean> {
    return (await this.commands.exists(`${PREFIX}node:${node}`)) === 1;
  }

  saveMember(code: string, member: Member & { node: string }): void {
    void this.commands.hset(`${PREFIX}members:${code}`, member.id, JSON.stringify(member)).catch(() => undefined);
  }

  dropMember(code: string, id: string): void {
    void this.commands.hdel(`${PREFIX}members:${code}`, id).catch(() => undefined);
  }

  async members(code: string): Promise<Array<Member & { node: string }>> {
    const all = await this.commands.hgetall(`${PREFIX}members:${code}`);
    return Object.values(all).map((text) => JSON.parse(text) as Member & { node: string });
  }

  async take(key: string, perSecond: number, burst: number): Promise<boolean> {
    const taken = await (this.commands as unknown as { rtTake(...args: string[]): Promise<number> }).rtTake(
      `${PREFIX}bucket:${key}`,
      String(perSecond),
      String(burst),
      String(Date.now()),
    );
    return taken === 1;
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('the cluster connection is closing'));
    }
    this.pending.clear();
    await this.commands.del(`${PREFIX}node:${this.nodeId}`).catch(() => undefined);
    this.subscriber.disconnect();
    this.commands.disconnect();
  }
}
