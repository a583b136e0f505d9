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
  /**
   * Wrong guesses one meeting takes per `roomWindowMs`, from every address together (checks under
   * way count as guesses until they are answered). Past it the meeting's passcode is not checked
   * until the window frees a guess: people who have not guessed wrong wait for the host instead.
   */
  maxWrongPerRoom: number;
  roomWindowMs: number;
}

export const DEFAULT_PASSCODE_LIMITS: PasscodeLimits = { maxConcurrentHashes: 2, maxQueuedHashes: 64, maxWrongPerRoom: 30, roomWindowMs: 10 * 60_000 };

/**
 * What a passcode check came to: `right`; `refused` (wrong, or not checked: too soon, too busy);
 * or `paused`: the meeting took all the wrong guesses it takes for now, so this one was not checked
 * and the person is for the host to let in (`retryAfterMs`: when checks resume).
 */
export type PasscodeVerdict = { kind: 'right' } | { kind: 'refused'; error: ErrorBody } | { kind: 'paused'; retryAfterMs: number };

/** A meeting's guess counters as a store keeps them: its recent wrong guesses, and each address's back-off. */
export interface PasscodeCounts {
  wrong: number[];
  addresses: Record<string, { failures: number; until: number }>;
}

/**
 * Where the gate's counters are kept besides this node's memory, so that they outlive it: in a
 * cluster, Redis (cluster/passcode-counters.ts), and the node that takes a meeting over carries on
 * from them. Without one they live in memory only. Checks under way are not kept: they die with the node.
 */
export interface PasscodeCounterStore {
  load(instance: string): Promise<PasscodeCounts>;
  /** A wrong guess from `address` at `at` (its `failures`-th in a row; it waits until `until`); the meeting keeps its newest `keep`, each for `windowMs`. */
  wrong(instance: string, address: string, guess: { at: number; failures: number; until: number; keep: number; windowMs: number }): Promise<void>;
  /** The address got the passcode right: its back-off goes. */
  right(instance: string, address: string): Promise<void>;
  /** A new passcode: the meeting's wrong guesses go. */
  passcodeChanged(instance: string): Promise<void>;
}

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

/** One meeting's guesses: when the recent wrong ones came, and how many checks are under way. */
interface RoomRecord {
  wrong: number[];
  checking: number;
}

/**
 * Every passcode check goes through here: hashing (creating a passcode, checking one) is queued
 * server-wide, and guessing is capped per meeting and address.
 * - One check in flight per meeting and address: an attempt is reserved before the slow hash, so
 *   a hundred guesses sent at once are one guess and ninety-nine refusals.
 * - After each wrong guess from an address, its next one waits twice as long (1 s … 60 s).
 * - A meeting takes `maxWrongPerRoom` wrong guesses per window from all addresses together, checks
 *   under way counted as wrong until answered (so guesses sent at once from many addresses cannot
 *   overshoot it). Past it nothing is checked until the window frees a guess: an address that
 *   already guessed wrong is refused (`rate-limited`, `retryAfterMs`); anyone else is `paused`,
 *   for the caller to put in the waiting room, where the host sees them and lets them in. So
 *   guessing, however spread out, gets nowhere, and other people's wrong guesses never keep a
 *   person out: at worst they wait for the host.
 */
export class PasscodeGate {
  private readonly hashes: HashQueue;
  private readonly addresses = new Map<string, AddressRecord>();
  private readonly rooms = new Map<string, RoomRecord>();
  /** Meetings whose counters came (or are coming) from the store: once per meeting on this node. */
  private readonly loaded = new Map<string, Promise<boolean>>();

  constructor(
    private readonly now: () => number,
    private readonly limits: PasscodeLimits = DEFAULT_PASSCODE_LIMITS,
    private readonly store?: PasscodeCounterStore,
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

  /** Checks `passcode` for meeting `instance` from `address` (a network, limits/address-group.ts). */
  async check(instance: string, address: string, passcode: string, stored: PasscodeHash | Promise<PasscodeHash>): Promise<PasscodeVerdict> {
    // Counters this node does not have yet (it took the meeting over) first come from the store; unread, nothing is checked.
    if (this.store && !(await this.load(instance))) return refused({ code: 'busy', message: 'the server is busy checking passcodes: try again in a moment' });
    const key = `${instance}|${address}`;
    const now = this.now();
    const record = this.addresses.get(key) ?? { inFlight: false, failures: 0, until: 0 };
    if (record.inFlight) return refused({ code: 'rate-limited', message: 'a passcode from this address is being checked; wait for its answer' });
    if (record.until > now) {
      return refused({
        code: 'rate-limited',
        message: `too many wrong passcodes: try again in ${Math.ceil((record.until - now) / 1000)} s`,
        retryAfterMs: record.until - now,
      });
    }
    const room = this.room(instance, now);
    if (room.wrong.length + room.checking >= this.limits.maxWrongPerRoom) {
      // Until the oldest wrong guess leaves the window (or, if checks under way fill it, a moment).
      const oldest = room.wrong[0];
      const retryAfterMs = room.wrong.length >= this.limits.maxWrongPerRoom && oldest !== undefined ? oldest + this.limits.roomWindowMs - now : 1000;
      if (record.failures > 0) {
        return refused({
          code: 'rate-limited',
          message: `too many wrong passcodes for this meeting: try again in ${Math.ceil(retryAfterMs / 1000)} s`,
          retryAfterMs,
        });
      }
      return { kind: 'paused', retryAfterMs };
    }
    record.inFlight = true;
    this.addresses.set(key, record);
    room.checking += 1;
    let checking = true;
    const checked = (): void => {
      if (checking) room.checking -= 1;
      checking = false;
    };
    try {
      const hash = await stored;
      const verdict = this.hashes.run(async () => timingSafeEqual(await scrypt(passcode.normalize('NFC'), hash.salt, LENGTH, PARAMETERS), hash.hash));
      if (!verdict) return refused({ code: 'busy', message: 'the server is busy checking passcodes: try again in a moment' });
      if (await verdict) {
        this.addresses.delete(key);
        void this.store?.right(instance, address).catch(() => undefined);
        return { kind: 'right' };
      }
      record.failures += 1;
      const wait = Math.min(60_000, 1000 * 2 ** (record.failures - 1));
      record.until = this.now() + wait;
      const at = this.now();
      // Counted as wrong from now on, no longer as being checked: while the store below is written
      // (slow on a busy machine) it would count twice and fill the meeting's budget early.
      checked();
      room.wrong.push(at);
      if (this.addresses.size > 10_000) this.prune();
      // Kept before the answer goes out: a node that dies right after it cannot give the guesser a fresh count.
      const { maxWrongPerRoom: keep, roomWindowMs: windowMs } = this.limits;
      await this.store?.wrong(instance, address, { at, failures: record.failures, until: record.until, keep, windowMs }).catch(() => undefined);
      return refused({ code: 'passcode-wrong', message: `wrong passcode (next try in ${Math.ceil(wait / 1000)} s)`, retryAfterMs: wait });
    } finally {
      record.inFlight = false;
      checked();
    }
  }

  /** The meeting has a new passcode: guesses at the old one say nothing about it, so the meeting's count starts again. */
  passcodeChanged(instance: string): void {
    const room = this.rooms.get(instance);
    if (room) room.wrong = [];
    void this.store?.passcodeChanged(instance).catch(() => undefined);
  }

  /**
   * The meeting ended, or another node runs it now: this node's counters for it go (the store's
   * stay for whoever runs it, and lapse after the window).
   */
  forget(instance: string): void {
    this.rooms.delete(instance);
    this.loaded.delete(instance);
    for (const key of this.addresses.keys()) if (key.startsWith(`${instance}|`)) this.addresses.delete(key);
  }

  /** Reads the meeting's counters from the store once; false (and read again next time) when it did not answer. */
  private load(instance: string): Promise<boolean> {
    let loading = this.loaded.get(instance);
    if (loading) return loading;
    loading = this.store!.load(instance).then(
      (saved) => {
        if (this.loaded.get(instance) !== loading) return true;
        const room = this.room(instance, this.now());
        room.wrong = [...saved.wrong, ...room.wrong].sort((a, b) => a - b);
        for (const [address, { failures, until }] of Object.entries(saved.addresses)) {
          const key = `${instance}|${address}`;
          if (!this.addresses.has(key)) this.addresses.set(key, { inFlight: false, failures, until });
        }
        return true;
      },
      () => {
        if (this.loaded.get(instance) === loading) this.loaded.delete(instance);
        return false;
      },
    );
    this.loaded.set(instance, loading);
    return loading;
  }

  /** The meeting's record, its wrong guesses trimmed to the window. */
  private room(instance: string, now: number): RoomRecord {
    let room = this.rooms.get(instance);
    if (!room) this.rooms.set(instance, (room = { wrong: [], checking: 0 }));
    room.wrong = room.wrong.filter((t) => now - t < this.limits.roomWindowMs);
    return room;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, record] of this.addresses) if (!record.inFlight && record.until < now - 600_000) this.addresses.delete(key);
  }
}

function refused(error: ErrorBody): PasscodeVerdict {
  return { kind: 'refused', error };
}
