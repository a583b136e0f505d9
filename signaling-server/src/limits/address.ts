import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { addressGroup } from './address-group.js';
import { TokenBucket } from './rate-limit.js';

/** What one network address may do, whatever connections it spreads it over. */
export interface AddressLimits {
  /** Open connections at once. */
  maxConnections: number;
  /** Meetings it may start: a burst, then one per `createEveryMs`. */
  createBurst: number;
  createEveryMs: number;
  /** Joins that do not get in at once (a code nobody runs, a passcode, a waiting room): a burst, then one per `probeEveryMs`. */
  probeBurst: number;
  probeEveryMs: number;
}

export const DEFAULT_ADDRESS_LIMITS: AddressLimits = {
  maxConnections: 50,
  createBurst: 20,
  createEveryMs: 30_000,
  probeBurst: 30,
  probeEveryMs: 5_000,
};

/**
 * Where a connection comes from, as every per-address limit counts it: its address grouped by
 * `addressGroup` (an IPv6 client by its /64, an IPv4-mapped one as IPv4). Behind a reverse proxy
 * every connection comes from the proxy, so with `trustProxy` the last address in X-Forwarded-For
 * (the one the proxy saw) is used; without it the header is ignored, since anyone can send it.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: boolean): string {
  const direct = addressGroup(req.socket.remoteAddress ?? 'unknown');
  if (!trustProxy) return direct;
  const header = req.headers['x-forwarded-for'];
  const list = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((part) => part.trim());
  const last = list.at(-1);
  return last && isIP(last.replace(/%.*$/, '')) ? addressGroup(last) : direct;
}

interface AddressState {
  connections: number;
  creates: TokenBucket;
  probes: TokenBucket;
}

/** Spends one token of a bucket shared by every node of a cluster (true when there was one). */
export type SharedBucket = (key: string, perSecond: number, burst: number) => Promise<boolean>;

/**
 * Counts per address: connections open (on this node), meetings started and codes tried (across
 * the cluster when `shared` is given, so walking codes through several nodes is no faster).
 */
export class AddressBook {
  private readonly addresses = new Map<string, AddressState>();

  constructor(
    private readonly limits: AddressLimits,
    private readonly now: () => number,
    private readonly shared?: SharedBucket,
  ) {}

  private state(address: string): AddressState {
    let state = this.addresses.get(address);
    if (!state) {
      const { createBurst, createEveryMs, probeBurst, probeEveryMs } = this.limits;
      state = {
        connections: 0,
        creates: new TokenBucket(1000 / createEveryMs, createBurst, this.now),
        probes: new TokenBucket(1000 / probeEveryMs, probeBurst, this.now),
      };
      this.addresses.set(address, state);
    }
    return state;
  }

  /** May `address` open one more connection? */
  mayConnect(address: string): boolean {
    return (this.addresses.get(address)?.connections ?? 0) < this.limits.maxConnections;
  }

  connected(address: string): void {
    this.state(address).connections += 1;
  }

  disconnected(address: string): void {
    const state = this.addresses.get(address);
    if (!state) return;
    state.connections -= 1;
    // Buckets that have refilled hold nothing worth keeping.
    if (state.connections <= 0 && state.creates.available() >= this.limits.createBurst && state.probes.available() >= this.limits.probeBurst) {
      this.addresses.delete(address);
    }
  }

  /** Takes one meeting start from `address`'s budget; false when it has none left. */
  async create(address: string): Promise<boolean> {
    const { createBurst, createEveryMs } = this.limits;
    return this.shared ? this.shared(`create:${address}`, 1000 / createEveryMs, createBurst) : this.state(address).creates.take();
  }

  /** Takes one try of a code from `address`'s budget; false when it has none left. */
  async probe(address: string): Promise<boolean> {
    const { probeBurst, probeEveryMs } = this.limits;
    return this.shared ? this.shared(`probe:${address}`, 1000 / probeEveryMs, probeBurst) : this.state(address).probes.take();
  }
}
