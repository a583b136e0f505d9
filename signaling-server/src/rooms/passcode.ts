import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ErrorBody } from '../protocol/index.js';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** A passcode as the server keeps it: a slow, salted hash (scrypt), never the passcode itself. */
export interface PasscodeHash {
  salt: Buffer;
  hash: Buffer;
}

// About 30-60 ms per check on a laptop core: invisible to a person, costly to a guesser.
const PARAMETERS = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const LENGTH = 32;

export interface PasscodeLimits {
  /** scrypt runs on libuv's small thread pool: at most this many at once, server-wide. */
  maxConcurrentHashes: number;
  /** Checks waiting for a turn, server-wide; beyond it a join is told to try again. */
  maxQueuedHashes: number;
  /** Wrong guesses one meeting takes per `roomWindowMs`, from every address together, before repeat guessers are refused. */
  maxWrongPerRoom: number;
  roomWindowMs: number;
}

export const DEFAULT_PASSCODE_LIMITS: PasscodeLimits = { maxConcurrentHashes: 2, maxQueuedHashes: 64, maxWrongPerRoom: 60, roomWindowMs: 10 * 60_000 };

/** Runs at most `limit` hashes at once, the rest in arrival order. */
class HashQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxQueued: number,
  ) {}

  /** Runs `work` in its turn; null when the queue is full (nothing runs). */
  run<T>(work: () => Promise<T>): Promise<T> | null {
    if (this.running >= this.limit && this.waiting.length >= this.maxQueued) return null;
    return new Promise<void>((resolve) => {
      if (this.running < this.limit) {
        this.running += 1;
        resolve();
      } else this.waiting.push(resolve);
    }).then(async () => {
      try {
        return await work();
      } finally {
        const next = this.waiting.shift();
        if (next) next();
        else this.running -= 1;
      }
    });
  }
}

interface AddressRecord {
  inFlight: boolean;
  failures: number;
  until: number;
}

/**
 * Every passcode check goes through here: hashing (creating a passcode, checking one) is queued
 * server-wide, and guessing is slowed per meeting and address.
 * - One check in flight per meeting and address: an attempt is reserved before the slow hash, so
 *   a hundred guesses sent at once are one guess and ninety-nine refusals.
 * - After each wrong guess from an address, its next one waits twice as long (1 s … 60 s).
 * - Across all addresses, a meeting takes `maxWrongPerRoom` wrong guesses per window; past that,
 *   addresses that already guessed wrong three times are refused. Someone who has not been
 *   guessing is always checked: other people's wrong guesses never keep a right passcode out.
 */
export class PasscodeGate {
  private readonly hashes: HashQueue;
  private readonly addresses = new Map<string, AddressRecord>();
  private readonly rooms = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly limits: PasscodeLimits = DEFAULT_PASSCODE_LIMITS,
  ) {
    this.hashes = new HashQueue(limits.maxConcurrentHashes, limits.maxQueuedHashes);
  }

  /** Hashes a new passcode in its turn; null when the server is too busy. */
  hash(passcode: string): Promise<PasscodeHash> | null {
    return this.hashes.run(async () => {
      const salt = randomBytes(16);
      return { salt, hash: await scrypt(passcode.normalize('NFC'), salt, LENGTH, PARAMETERS) };
    });
  }

  /** Checks `passcode` for meeting `instance` from `address`: null when it is right, or why not. */
  async check(instance: string, address: string, passcode: string, stored: PasscodeHash | Promise<PasscodeHash>): Promise<ErrorBody | null> {
    const key = `${instance}|${address}`;
    const now = this.now();
    const record = this.addresses.get(key) ?? { inFlight: false, failures: 0, until: 0 };
    if (record.inFlight) return { code: 'rate-limited', message: 'a passcode from this address is being checked; wait for its answer' };
    if (record.until > now) {
      return {
        code: 'rate-limited',
        message: `too many wrong passcodes: try again in ${Math.ceil((record.until - now) / 1000)} s`,
        retryAfterMs: record.until - now,
      };
    }
    const recent = this.recentWrong(instance, now);
    if (record.failures >= 3 && recent.length >= this.limits.maxWrongPerRoom) {
      return { code: 'rate-limited', message: 'too many wrong passcodes for this meeting: try again later' };
    }
    record.inFlight = true;
    this.addresses.set(key, record);
    try {
      const hash = await stored;
      const verdict = this.hashes.run(async () => timingSafeEqual(await scrypt(passcode.normalize('NFC'), hash.salt, LENGTH, PARAMETERS), hash.hash));
      if (!verdict) return { code: 'busy', message: 'the server is busy checking passcodes: try again in a moment' };
      if (await verdict) {
        this.addresses.delete(key);
        return null;
      }
      record.failures += 1;
      const wait = Math.min(60_000, 1000 * 2 ** (record.failures - 1));
      record.until = this.now() + wait;
      recent.push(this.now());
      this.rooms.set(instance, recent);
      if (this.addresses.size > 10_000) this.prune();
      return { code: 'passcode-wrong', message: `wrong passcode (next try in ${Math.ceil(wait / 1000)} s)`, retryAfterMs: wait };
    } finally {
      record.inFlight = false;
    }
  }

  /** The meeting ended: what was counted for it goes. */
  forget(instance: string): void {
    this.rooms.delete(instance);
    for (const key of this.addresses.keys()) if (key.startsWith(`${instance}|`)) this.addresses.delete(key);
  }

  private recentWrong(instance: string, now: number): number[] {
    return (this.rooms.get(instance) ?? []).filter((t) => now - t < this.limits.roomWindowMs);
  }

  private prune(): void {
    const now = this.now();
    for (const [key, record] of this.addresses) if (!record.inFlight && record.until < now - 600_000) this.addresses.delete(key);
  }
}
