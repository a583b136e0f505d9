import type { Redis } from 'ioredis';
import type { PasscodeCounterStore, PasscodeCounts } from '../rooms/passcode.js';

/**
 * The passcode gate's counters in Redis, so that a node taking a meeting over carries on from them
 * (rooms/passcode.ts). Per meeting: a list of its newest wrong guesses' times, and a hash of each
 * address's back-off (`failures:until`); each update is one MULTI, and both lapse a window after
 * the last wrong guess.
 */
export class RedisPasscodeCounters implements PasscodeCounterStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async load(instance: string): Promise<PasscodeCounts> {
    const replies = await this.redis.multi().lrange(this.wrongKey(instance), 0, -1).hgetall(this.addressesKey(instance)).exec();
    if (!replies) throw new Error('the passcode counters could not be read');
    for (const [error] of replies) if (error) throw error;
    const wrong = (replies[0]![1] as string[]).map(Number).filter(Number.isFinite);
    const addresses: PasscodeCounts['addresses'] = {};
    for (const [address, value] of Object.entries(replies[1]![1] as Record<string, string>)) {
      const [failures, until] = value.split(':').map(Number);
      if (Number.isFinite(failures) && Number.isFinite(until)) addresses[address] = { failures: failures!, until: until! };
    }
    return { wrong, addresses };
  }

  async wrong(instance: string, address: string, guess: { at: number; failures: number; until: number; keep: number; windowMs: number }): Promise<void> {
    const wrongKey = this.wrongKey(instance);
    const addressesKey = this.addressesKey(instance);
    await this.redis
      .multi()
      .rpush(wrongKey, String(guess.at))
      .ltrim(wrongKey, -Math.max(1, guess.keep), -1)
      .pexpire(wrongKey, guess.windowMs)
      .hset(addressesKey, address, `${guess.failures}:${guess.until}`)
      .pexpire(addressesKey, Math.max(guess.windowMs, guess.until - guess.at))
      .exec();
  }

  async right(instance: string, address: string): Promise<void> {
    await this.redis.hdel(this.addressesKey(instance), address);
  }

  async passcodeChanged(instance: string): Promise<void> {
    await this.redis.del(this.wrongKey(instance));
  }

  private wrongKey(instance: string): string {
    return `${this.prefix}passcode-wrong:${instance}`;
  }

  private addressesKey(instance: string): string {
    return `${this.prefix}passcode-addresses:${instance}`;
  }
}
