import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients, connectClient, joinRequest, request, settle, type Reply } from './harness.js';
import { startNode, type ServerNode } from './support/nodes.js';
import { startPostgres, startRedis, type RunningService } from './support/services.js';

/**
 * A meeting's passcode guessing limits (rooms/passcode.ts) outlive the node that ran it: the node
 * that takes the meeting over after a kill -9 carries on from the counts kept in Redis, so killing
 * (or waiting for the death of) a meeting's node gives a guesser no fresh budget.
 */
let redis: RunningService;
let postgres: RunningService;
let nodes: ServerNode[] = [];

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const env = { ROUNDTABLE_REDIS_URL: redis.url, ROUNDTABLE_DATABASE_URL: postgres.url };
  nodes = await Promise.all(['node-1', 'node-2'].map((name) => startNode(name, env, 0, ['--trust-proxy', '--max-room-size', '40'])));
}, 90_000);
afterAll(async () => {
  closeClients();
  await Promise.all(nodes.map((node) => node.stop('SIGTERM')));
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

const guess = (passcode: string) => joinRequest({ room: 'vault', name: 'Guesser', passcode, create: undefined });
/** One guess from `address`, connected to node `n`. */
const guessFrom = async (n: number, address: string, passcode: string): Promise<Reply> =>
  request(await connectClient(nodes[n]!.url, { address }), 'join', guess(passcode));

const retryAfter = (reply: Reply): number => (reply.error as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 0;

describe('passcode guessing limits in a cluster', () => {
  it("the meeting's node killed: the node that takes it over still refuses the guesser, and the meeting's count of wrong guesses goes on", async () => {
    // Ada starts the meeting on node 1 (room for 40: the seats held while passcodes are checked do not fill it), which runs it; the guessers come in through node 2.
    const ada = await connectClient(nodes[0]!.url);
    expect(await request(ada, 'join', joinRequest({ room: 'vault', name: 'Ada', create: { passcode: 'correct horse' } }))).toMatchObject({ ok: true });

    // One address guesses wrong four times, each as soon as its back-off lets it: it now waits 8 s.
    const guesser = '203.0.113.7';
    for (let i = 0; i < 4; i++) {
      const reply = await guessFrom(1, guesser, `wrong-${i}`);
      expect(reply.error?.code).toBe('passcode-wrong');
      if (i < 3) await settle(retryAfter(reply) + 100);
    }
    // Twenty-six others guess wrong once each: with the four, the meeting took its 30 wrong guesses for the window.
    const others = await Promise.all(Array.from({ length: 26 }, (_, i) => guessFrom(1, `198.51.100.${i + 1}`, `other-${i}`)));
    expect(others.map((r) => r.error?.code)).toEqual(Array(26).fill('passcode-wrong'));

    // The meeting's node dies; node 2 takes the meeting over on the next guess.
    await nodes[0]!.stop('SIGKILL');

    // The guesser is still refused (not checked), with the wait it had left.
    const again = await guessFrom(1, guesser, 'wrong-again');
    expect(again.error?.code).toBe('rate-limited');
    expect(retryAfter(again)).toBeGreaterThan(0);
    // Someone who never guessed is not checked either: the meeting's wrong guesses are used up, they wait for the host.
    expect(await guessFrom(1, '192.0.2.1', 'fresh-guess')).toEqual({ ok: true, waiting: true });
  }, 60_000);
});
