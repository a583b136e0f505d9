import { afterEach, describe, expect, it } from 'vitest';
import type { SignalingDeps, SignalingOptions } from '../src/app.js';
import { PasscodeGate, type PasscodeCounterStore } from '../src/rooms/passcode.js';
import { closeClients, connectClient, joined, joinRequest, nextEvent, request, startServer, type Reply, type TestServer } from './harness.js';

/**
 * Passcode guessing against a real server, as a stranger with many addresses would try it
 * (docs/security.md, Passcodes). Each test fails on the server before these limits.
 */
let server: TestServer | undefined;
afterEach(async () => {
  closeClients();
  await server?.close();
  server = undefined;
});

async function start(options: SignalingOptions, deps: SignalingDeps = {}): Promise<TestServer> {
  server = await startServer(options, undefined, deps);
  return server;
}

const guess = (passcode: string, name = 'Guesser') => joinRequest({ room: 'vault', name, passcode, create: undefined });

describe('a meeting takes so many wrong passcodes, from all addresses together', () => {
  it('twenty guesses at once from twenty addresses: five are checked, the rest wait for the host unchecked; the right passcode still gets its person in', async () => {
    let clock = 1_700_000_000_000;
    const { url } = await start({ trustProxy: true, maxRoomSize: 40, passcodeLimits: { maxWrongPerRoom: 5, roomWindowMs: 60_000 } }, { now: () => clock });
    const ada = await joined(url, { room: 'vault', name: 'Ada', create: { passcode: 'correct horse' } });

    const addresses = Array.from({ length: 20 }, (_, i) => `203.0.113.${i + 1}`);
    const guessers = await Promise.all(addresses.map((address) => connectClient(url, { address })));
    const replies = await Promise.all(guessers.map((socket, i) => request(socket, 'join', guess(`wrong-guess-${i}`))));
    const wrong = replies.filter((r) => r.error?.code === 'passcode-wrong');
    expect(wrong).toHaveLength(5);
    // The others were not checked: they wait for the host, exactly as anyone waiting for a host does.
    expect(replies.filter((r) => r !== undefined && !wrong.includes(r))).toEqual(Array(15).fill({ ok: true, waiting: true }));

    // An address that guessed wrong is refused outright until the window frees a guess (its own back-off over).
    clock += 5_000;
    const repeat = addresses[replies.findIndex((r) => r.error?.code === 'passcode-wrong')]!;
    const again = await request(await connectClient(url, { address: repeat }), 'join', guess('wrong-again-1'));
    expect(again).toMatchObject({ ok: false, error: { code: 'rate-limited', retryAfterMs: 55_000 } });

    // Bob has the right passcode, from an address that never guessed: the host sees him waiting and lets him in.
    const lists = nextEvent<{ waiting: Array<{ id: string; name: string }> }>(ada.socket, 'waiting-list');
    const bob = await connectClient(url, { address: '198.51.100.7' });
    expect(await request(bob, 'join', guess('correct horse', 'Bob'))).toEqual({ ok: true, waiting: true });
    const bobWaiting = (await lists).waiting.find((w) => w.name === 'Bob');
    expect(bobWaiting).toBeDefined();
    const admitted = nextEvent<Reply>(bob, 'admitted');
    expect(await request(ada.socket, 'admit', { id: bobWaiting!.id })).toEqual({ ok: true });
    expect(await admitted).toMatchObject({ self: { name: 'Bob' } });

    // Once the window has passed, passcodes are checked again: the right one lets Carol straight in.
    clock += 60_000;
    const carol = await connectClient(url, { address: '198.51.100.8' });
    expect(await request(carol, 'join', guess('correct horse', 'Carol'))).toMatchObject({ ok: true, self: { name: 'Carol' } });
  });

  it('a new passcode is checked at once: guesses at the old one say nothing about it', async () => {
    const { url } = await start({ trustProxy: true, passcodeLimits: { maxWrongPerRoom: 2 } });
    const ada = await joined(url, { room: 'vault', name: 'Ada', create: { passcode: 'correct horse' } });
    for (const address of ['203.0.113.1', '203.0.113.2']) {
      expect((await request(await connectClient(url, { address }), 'join', guess('wrong-guess'))).error?.code).toBe('passcode-wrong');
    }
    expect(await request(await connectClient(url, { address: '198.51.100.1' }), 'join', guess('correct horse'))).toEqual({ ok: true, waiting: true });
    expect(await request(ada.socket, 'host-settings', { passcode: 'battery staple' })).toMatchObject({ ok: true });
    expect(await request(await connectClient(url, { address: '198.51.100.2' }), 'join', guess('battery staple', 'Bob'))).toMatchObject({
      ok: true,
      self: { name: 'Bob' },
    });
  });
});

describe('passcode hashing is capped server-wide', () => {
  it('checks beyond the hashes running and queued are refused as busy, not queued without end; the right passcode gets in afterwards', async () => {
    const { url } = await start({ trustProxy: true, passcodeLimits: { maxConcurrentHashes: 1, maxQueuedHashes: 1 } });
    await joined(url, { room: 'vault', name: 'Ada', create: { passcode: 'correct horse' } });
    const guessers = await Promise.all(Array.from({ length: 12 }, (_, i) => connectClient(url, { address: `203.0.113.${i + 1}` })));
    const codes = (await Promise.all(guessers.map((socket, i) => request(socket, 'join', guess(`wrong-guess-${i}`))))).map((r) => r.error?.code);
    // One hash runs and one waits: the other guesses, sent at the same moment, are not hashed at all.
    expect(codes.filter((c) => c === 'busy').length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === 'passcode-wrong').length).toBeGreaterThanOrEqual(2);
    expect(codes.every((c) => c === 'busy' || c === 'passcode-wrong')).toBe(true);
    const bob = await connectClient(url, { address: '198.51.100.9' });
    expect(await request(bob, 'join', guess('correct horse', 'Bob'))).toMatchObject({ ok: true, self: { name: 'Bob' } });
  });
});

describe("a wrong guess whose count is still being stored (a cluster's Redis, slow on a busy machine)", () => {
  it('counts once, not as wrong and as being checked both: the next guess is still checked', async () => {
    let release: () => void = () => undefined;
    let writes = 0;
    const store: PasscodeCounterStore = {
      load: () => Promise.resolve({ wrong: [], addresses: {} }),
      // The first wrong guess's write hangs until released; the others are quick.
      wrong: () => (++writes === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()),
      right: () => Promise.resolve(),
      passcodeChanged: () => Promise.resolve(),
    };
    const gate = new PasscodeGate(() => Date.now(), { maxConcurrentHashes: 2, maxQueuedHashes: 8, maxWrongPerRoom: 2, roomWindowMs: 60_000 }, store);
    const stored = await gate.hash('correct horse')!;
    const first = gate.check('vault', '203.0.113.1', 'wrong-1', stored);
    await expect.poll(() => writes).toBe(1);
    // The meeting has one wrong guess of its two: before, the first still counted as being checked too, and this one waited for the host unchecked.
    expect(await gate.check('vault', '203.0.113.2', 'wrong-2', stored)).toMatchObject({ kind: 'refused', error: { code: 'passcode-wrong' } });
    release();
    expect(await first).toMatchObject({ kind: 'refused', error: { code: 'passcode-wrong' } });
    // Two wrong: the budget is used up now.
    expect(await gate.check('vault', '203.0.113.3', 'wrong-3', stored)).toMatchObject({ kind: 'paused' });
  });
});
