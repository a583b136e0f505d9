import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { newNodeId, NodeGone, type Cluster, type ClusterMember, type ClusterReply, type ClusterRequest, type ClusterWaiter } from './cluster.js';
import { RedisPasscodeCounters } from './passcode-counters.js';
import { readEnvelope, readMembers, readWaiters, type Envelope } from './messages.js';

const PREFIX = 'rt:';
/** A node is alive while its key is: refreshed every HEARTBEAT_MS, gone DEAD_AFTER_MS after it stops. */
const HEARTBEAT_MS = 400;
const DEAD_AFTER_MS = 1500;
/**
 * This node counts on its key for DEAD_AFTER_MS from when it sent the refresh, less this margin
 * (clocks do not run at quite the same rate): after that, another node may have taken its meetings.
 */
const LEASE_MARGIN_MS = 250;
const CALL_TIMEOUT_MS = 4000;
/** While a call waits, how often the asked node's liveness is looked at. */
const WATCH_MS = 250;
/** A command Redis has not answered by then failed (a Redis that hangs must not hang the node). */
const COMMAND_TIMEOUT_MS = 2000;

/**
 * Who runs `code` (KEYS[1]: its owner key; KEYS[2]: the node key prefix; ARGV: this node, the
 * lease in ms): the recorded owner while its node lives, else this node (and it says it took over
 * when another had it). The asker is alive: its key is renewed in the same step, so nobody takes
 * a meeting from the node that just found it is its own.
 */
const OWNER_OF = `
redis.call('SET', KEYS[2] .. ARGV[1], '1', 'PX', ARGV[2])
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then return {owner, 0} end
if owner and redis.call('EXISTS', KEYS[2] .. owner) == 1 then return {owner, 0} end
redis.call('SET', KEYS[1], ARGV[1])
if owner then return {ARGV[1], 1} end
return {ARGV[1], 0}`;

/** 1 when this node (ARGV[1]) still owns KEYS[1] (its lease renewed with it), else 0. */
const OWNS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2] .. ARGV[1], '1', 'PX', ARGV[2])
return 1`;

/** The meeting ended here: its owner key, members and waiters go (only if this node still owns it). */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 1`;

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

interface Scripts {
  rtOwnerOf(owner: string, nodes: string, node: string, leaseMs: string): Promise<[string, number]>;
  rtOwns(owner: string, nodes: string, node: string, leaseMs: string): Promise<number>;
  rtRelease(owner: string, members: string, waiting: string, node: string): Promise<number>;
  rtTake(bucket: string, perSecond: string, burst: string, now: string): Promise<number>;
}

/**
 * The cluster in Redis (`--redis-url`): node liveness (a key each node refreshes: its lease), which
 * node runs each meeting (claimed atomically, taken over from a node whose lease ran out), who is
 * in each meeting and who waits, token buckets shared by all nodes, and requests handed between
 * nodes (pub/sub, one channel per node). Broadcasts to a meeting's people go through Socket.IO's
 * Redis streams adapter.
 */
export class RedisCluster implements Cluster {
  readonly clustered = true;
  private readonly commands: Redis;
  private readonly scripts: Scripts;
  private readonly subscriber: Redis;
  readonly passcodeCounters: RedisPasscodeCounters;
  private readonly pending = new Map<
    number,
    { resolve: (reply: ClusterReply) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  private handler: ((request: ClusterRequest & { from: string }) => Promise<ClusterReply>) | null = null;
  private readonly resumeListeners: Array<() => Promise<void>> = [];
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private nextId = 1;
  private everReady = false;
  /** Until then (this process's clock) this node's key lives for sure: sent at + DEAD_AFTER_MS − margin. */
  private keyUntil = 0;
  /** This node has checked its meetings since it last lost touch (only then does the lease count). */
  private verified = false;
  /** How often it lost touch; a check counts only if it did not lose touch again meanwhile. */
  private lapses = 0;
  /** Redis came back (possibly empty): check the meetings before counting on the lease again. */
  private mustCheck = false;
  private beating: Promise<void> | null = null;
  private checking = false;
  private closed = false;

  private constructor(
    url: string,
    readonly nodeId: string,
    private readonly log: Logger,
  ) {
    const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true, retryStrategy: (times: number) => Math.min(times * 100, 1000) };
    this.commands = new Redis(url, { ...options, commandTimeout: COMMAND_TIMEOUT_MS });
    this.subscriber = new Redis(url, options);
    for (const client of [this.commands, this.subscriber]) client.on('error', (error: Error) => this.log.warn(`redis: ${error.message}`));
    this.commands.defineCommand('rtOwnerOf', { numberOfKeys: 2, lua: OWNER_OF });
    this.commands.defineCommand('rtOwns', { numberOfKeys: 2, lua: OWNS });
    this.commands.defineCommand('rtRelease', { numberOfKeys: 3, lua: RELEASE });
    this.commands.defineCommand('rtTake', { numberOfKeys: 1, lua: TAKE });
    this.scripts = this.commands as unknown as Scripts;
    this.passcodeCounters = new RedisPasscodeCounters(this.commands, PREFIX);
    this.subscriber.on('message', (_channel: string, text: string) => this.onMessage(text));
    // Cut off from Redis: whatever happens there meanwhile (a restart, another node taking over)
    // is not known here, so the lease is not counted on until the meetings are checked again.
    this.commands.on('close', () => {
      this.keyUntil = 0;
    });
    this.commands.on('ready', () => {
      // The first time: starting. Later: Redis came back (possibly empty): check what we hold.
      if (this.everReady) this.mustCheck = true;
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

  /** One heartbeat at a time: renews the node's key; after a lapse, the node checks its meetings. */
  private beat(): Promise<void> {
    this.beating ??= this.renew().finally(() => {
      this.beating = null;
    });
    return this.beating;
  }

  private async renew(): Promise<void> {
    const sentAt = Date.now();
    // The key may have run out before this beat (the process was paused, or Redis did not answer):
    // another node may have taken meetings over meanwhile.
    const lapsed = sentAt >= this.keyUntil;
    try {
      await this.commands.set(`${PREFIX}node:${this.nodeId}`, '1', 'PX', DEAD_AFTER_MS);
    } catch {
      return;
    }
    if (lapsed || this.mustCheck) {
      this.mustCheck = false;
      this.lapses += 1;
      this.verified = false;
    }
    this.keyUntil = Math.max(this.keyUntil, sentAt + DEAD_AFTER_MS - LEASE_MARGIN_MS);
    if (!this.verified) void this.check();
  }

  /** Runs the resume listeners (the heartbeat goes on meanwhile); the lease counts once they are done. */
  private async check(): Promise<void> {
    if (this.checking || this.closed) return;
    this.checking = true;
    const lapses = this.lapses;
    try {
      for (const listener of this.resumeListeners) await listener();
      // Lost touch again meanwhile: the next beat checks again.
      if (lapses === this.lapses) this.verified = true;
    } catch (error) {
      this.log.warn(`could not check this node's meetings after losing touch: ${(error as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  holdsLease(): boolean {
    return this.verified && Date.now() < this.keyUntil;
  }

  async ownerOf(code: string): Promise<{ node: string; tookOver: boolean }> {
    const [node, tookOver] = await this.scripts.rtOwnerOf(`${PREFIX}owner:${code}`, `${PREFIX}node:`, this.nodeId, String(DEAD_AFTER_MS));
    return { node, tookOver: tookOver === 1 };
  }

  async owns(code: string): Promise<boolean> {
    return (await this.scripts.rtOwns(`${PREFIX}owner:${code}`, `${PREFIX}node:`, this.nodeId, String(DEAD_AFTER_MS))) === 1;
  }

  async release(code: string): Promise<void> {
    await this.scripts.rtRelease(`${PREFIX}owner:${code}`, `${PREFIX}members:${code}`, `${PREFIX}waiting:${code}`, this.nodeId);
  }

  call(node: string, request: ClusterRequest): Promise<ClusterReply> {
    const id = this.nextId++;
    return new Promise<ClusterReply>((resolve, reject) => {
      const fail = (error: Error): void => {
        const waiting = this.pending.get(id);
        if (!waiting) return;
        this.pending.delete(id);
        clearTimeout(waiting.timer);
        clearInterval(watch);
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`node ${node} did not answer`)), CALL_TIMEOUT_MS);
      // A node that stopped never answers: once its key is gone, the caller need not wait out the timeout.
      const watch = setInterval(() => {
        void this.isAlive(node).then(
          (alive) => {
            if (!alive) fail(new NodeGone(node));
          },
          () => undefined,
        );
      }, WATCH_MS);
      watch.unref?.();
      this.pending.set(id, {
        resolve: (reply) => {
          clearInterval(watch);
          resolve(reply);
        },
        reject: (error) => {
          clearInterval(watch);
          reject(error);
        },
        timer,
      });
      const envelope: Envelope = { id, from: this.nodeId, request };
      this.commands.publish(`${PREFIX}rpc:${node}`, JSON.stringify(envelope)).catch((error: Error) => fail(error));
    });
  }

  serve(handler: (request: ClusterRequest & { from: string }) => Promise<ClusterReply>): void {
    this.handler = handler;
  }

  private onMessage(text: string): void {
    const envelope = readEnvelope(text);
    if (!envelope) return;
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
      .catch((error: unknown): ClusterReply => ({ ok: false, error: { code: 'internal', message: (error as Error).message } }))
      .then((reply) => this.commands.publish(`${PREFIX}rpc:${envelope.from}`, JSON.stringify({ id: envelope.id, from: this.nodeId, reply })))
      .catch(() => undefined);
  }

  async isAlive(node: string): Promise<boolean> {
    return (await this.commands.exists(`${PREFIX}node:${node}`)) === 1;
  }

  saveMember(code: string, member: ClusterMember): void {
    void this.commands.hset(`${PREFIX}members:${code}`, member.id, JSON.stringify(member)).catch(() => undefined);
  }

  dropMember(code: string, id: string): void {
    void this.commands.hdel(`${PREFIX}members:${code}`, id).catch(() => undefined);
  }

  async members(code: string): Promise<ClusterMember[]> {
    return readMembers(Object.values(await this.commands.hgetall(`${PREFIX}members:${code}`)));
  }

  saveWaiter(code: string, waiter: ClusterWaiter): void {
    void this.commands.hset(`${PREFIX}waiting:${code}`, waiter.id, JSON.stringify(waiter)).catch(() => undefined);
  }

  dropWaiter(code: string, id: string): void {
    void this.commands.hdel(`${PREFIX}waiting:${code}`, id).catch(() => undefined);
  }

  async waiters(code: string): Promise<ClusterWaiter[]> {
    return readWaiters(Object.values(await this.commands.hgetall(`${PREFIX}waiting:${code}`)));
  }

  async take(key: string, perSecond: number, burst: number): Promise<boolean> {
    const taken = await this.scripts.rtTake(`${PREFIX}bucket:${key}`, String(perSecond), String(burst), String(Date.now()));
    return taken === 1;
  }

  onResume(listener: () => Promise<void>): void {
    this.resumeListeners.push(listener);
  }

  async healthy(): Promise<boolean> {
    if (this.closed || this.commands.status !== 'ready') return false;
    const answered = this.commands.ping().then(
      (pong) => pong === 'PONG',
      () => false,
    );
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 1000).unref?.());
    return (await Promise.race([answered, timeout])) && this.holdsLease();
  }

  async close(): Promise<void> {
    this.closed = true;
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
