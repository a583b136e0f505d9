import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

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

export async function hashPasscode(passcode: string): Promise<PasscodeHash> {
  const salt = randomBytes(16);
  return { salt, hash: await scrypt(passcode.normalize('NFC'), salt, LENGTH, PARAMETERS) };
}

export async function verifyPasscode(passcode: string, stored: PasscodeHash): Promise<boolean> {
  const candidate = await scrypt(passcode.normalize('NFC'), stored.salt, LENGTH, PARAMETERS);
  return timingSafeEqual(candidate, stored.hash);
}

/**
 * Slows down guessing: after each wrong passcode from one address for one meeting, the next try
 * must wait twice as long (from 1 s, up to 60 s). A right passcode clears the record.
 */
export class PasscodeAttempts {
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(private readonly now: () => number) {}

  /** Milliseconds to wait before `key` may try again (0: now). */
  retryAfter(key: string): number {
    const record = this.failures.get(key);
    return record ? Math.max(0, record.until - this.now()) : 0;
  }

  failed(key: string): number {
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    const wait = Math.min(60_000, 1000 * 2 ** (count - 1));
    this.failures.set(key, { count, until: this.now() + wait });
    if (this.failures.size > 10_000) this.prune();
    return wait;
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }

  private prune(): void {
    const now = this.now();
    for (const [key, record] of this.failures) if (record.until < now - 600_000) this.failures.delete(key);
  }
}
