import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_EVENTS, LIMITS } from '../src/protocol/index.js';
import { closeClients, connectClient, joined, joinRequest, request, settle, startServer, type Reply, type TestServer } from './harness.js';

/**
 * Thousands of random and malformed payloads at every client event, from outside a meeting, from a
 * guest and from the host: every one is answered with an error, nothing in any meeting changes,
 * nobody else hears a thing, and the server stays up. Seeded, so a failure can be replayed with
 * FUZZ_SEED=<seed>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 7_2026);
const PER_EVENT = Number(process.env.FUZZ_PER_EVENT ?? 80);

/** mulberry32: small, seedable, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202e\u2066',
  '💥'.repeat(40),
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '%00%0d%0a',
  'constructor',
  '__proto__',
  '{"ok":true}',
  'a'.repeat(5000),
  '\ud800',
];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'then', 'ok', '', ' ', '💥', 'fz_extra', 'admin', 'host'];

function randomValue(depth = 0): unknown {
  switch (int(depth > 3 ? 5 : 8)) {
    case 0:
      return pick([0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2]);
    case 1:
      return pick(NASTY_STRINGS);
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
      return Math.random().toString(36).slice(2);
    case 5:
      return Array.from({ length: int(4) }, () => randomValue(depth + 1));
    default:
      return randomObject(depth + 1);
  }
}

/** An object with at least one key no schema has (every schema is strict). */
function randomObject(depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const keys = 1 + int(4);
  for (let i = 0; i < keys; i++) ownProperty(object, i === 0 ? `fz_${int(1e6)}` : pick(NASTY_KEYS), randomValue(depth));
  return object;
}

/** Sets `key` as an own property, even '__proto__' (as JSON.parse on the server will). */
function ownProperty(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
}

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { fz: value };
  return value;
}

/** A value of a different JSON type from `value` (never null, which some fields accept). */
function otherType(value: unknown): unknown {
  if (typeof value === 'string') return pick([0, 7, true, false, [], [value], { value }, nested(50)]);
  if (typeof value === 'number') return pick([String(value), true, [], { value }, [value]]);
  if (typeof value === 'boolean') return pick([0, 1, 'true', 'false', [], { value }]);
  if (Array.isArray(value)) return pick(['[]', 0, true, { length: 0 }]);
  return pick(['{}', 0, true, [], [value]]); // objects and null
}

type Template = Record<string, unknown>;

/** A copy of `template` with one field, at any depth, given a value of the wrong type. */
function wrongField(template: Template): Template {
  const copy = structuredClone(template) as Template;
  const paths: string[][] = [];
  const walk = (object: Template, path: string[]): void => {
    for (const [key, value] of Object.entries(object)) {
      paths.push([...path, key]);
      if (value && typeof value === 'object' && !Array.isArray(value)) walk(value as Template, [...path, key]);
    }
  };
  walk(copy, []);
  if (paths.length === 0) return { fz_only: otherType('x') };
  const path = pick(paths);
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Template;
  const last = path.at(-1)!;
  target[last] = otherType(target[last]);
  return copy;
}

function withExtraKey(template: Template): Template {
  const copy = structuredClone(template) as Template;
  ownProperty(copy, pick(NASTY_KEYS.filter((k) => !Object.hasOwn(template, k))), randomValue());
  return copy;
}

/** Arguments for one malformed call of an event whose valid payload looks like `template`. */
function malformed(template: Template): unknown[] {
  switch (int(9)) {
    case 0:
      return [pick([0, 'x', true, null, [], [template], 'join', -1])];
    case 1:
      return [randomObject()];
    case 2:
    case 3:
      return [wrongField(template)];
    case 4:
    case 5:
      return [withExtraKey(template)];
    case 6:
      return [{ ...template, fz_padding: 'p'.repeat(LIMITS.maxPayloadBytes + int(20_000)) }];
    case 7:
      return int(2) === 0 ? [] : [template, randomValue()];
    default:
      return [{ ...template, fz_deep: nested(100 + int(400)) }];
  }
}

let server: TestServer;
let ada: { socket: Socket; id: string };
let bob: { socket: Socket; id: string };
let dan: { socket: Socket; id: string };
let outsider: Socket;

/** A valid payload for each event, as this room would accept it (the fuzz breaks each one). */
function templates(): Record<string, Template> {
  return {
    join: { ...joinRequest({ name: 'Fuzz' }) },
    leave: {},
    signal: { to: bob.id, kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
    media: { audio: true, video: false },
    'chat-send': { id: 'fuzz-message-0001', text: 'hello' },
    'chat-history': { limit: 10 },
    'raise-hand': { raised: true },
    react: { emoji: '👍' },
    recording: { active: true },
    'host-settings': { locked: true, waitingRoom: true },
    admit: { id: bob.id },
    'admit-all': {},
    deny: { id: bob.id },
    'ask-unmute': { id: bob.id },
    mute: { id: bob.id },
    'stop-video': { id: bob.id },
    remove: { id: bob.id },
    'make-host': { id: bob.id },
    'end-meeting': {},
  };
}

/** Everything a socket hears (server events, not replies). */
function listen(socket: Socket): Array<[string, unknown]> {
  const heard: Array<[string, unknown]> = [];
  socket.onAny((event: string, payload: unknown) => heard.push([event, payload]));
  return heard;
}

beforeAll(async () => {
  // Limits far out of the way: this is about what the handlers make of the input, not about rates.
  server = await startServer({ limits: { eventsPerSecond: 1e9, eventBurst: 1e9, bytesPerSecond: 1e12, byteBurst: 1e12, maxStrikes: 1e9 } });
  ada = await joined(server.url, { name: 'Ada' }); // the host
  bob = await joined(server.url, { name: 'Bob' });
  dan = await joined(server.url, { name: 'Dan' });
  await joined(server.url, { name: 'Eve', room: 'elsewhere' });
  outsider = await connectClient(server.url);
  expect((await request(bob.socket, 'chat-send', { id: 'before-fuzz-01', text: 'before the storm' })).ok).toBe(true);
  await settle(200);
});

afterAll(async () => {
  closeClients();
  await server.close();
});

describe(`fuzzing every event (seed ${SEED})`, { timeout: 120_000 }, () => {
  it('answers every malformed payload with an error, changes nothing, and tells nobody anything', async () => {
    const table = templates();
    const events = [...CLIENT_EVENTS];
    // Every event the protocol has is fuzzed: a new event without a template still gets the generic cases.
    for (const event of events) table[event] ??= {};
    const before = server.signaling.registry.snapshot();
    const history = await request(dan.socket, 'chat-history', { limit: 100 });
    const heard = { ada: listen(ada.socket), bob: listen(bob.socket), dan: listen(dan.socket), outsider: listen(outsider) };
    const senders = { ada: ada.socket, bob: bob.socket, outsider };
    const unanswered = { ada: 0, bob: 0, outsider: 0 };

    let sent = 0;
    const wrong: Array<{ from: string; event: string; args: string; reply: Reply }> = [];
    for (const [who, socket] of Object.entries(senders) as Array<[keyof typeof senders, Socket]>) {
      const calls: Array<{ event: string; args: unknown[] }> = [];
      for (const event of events) for (let i = 0; i < PER_EVENT; i++) calls.push({ event, args: malformed(table[event]!) });
      // And events that do not exist, with names that try to be something.
      for (const event of ['', 'JOIN', 'join ', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'x'.repeat(500), '💥']) {
        calls.push({ event, args: [table.join] });
      }
      for (let start = 0; start < calls.length; start += 200) {
        const batch = calls.slice(start, start + 200);
        await Promise.all(
          batch.map(async ({ event, args }) => {
            sent++;
            if (random() < 0.1) {
              // No callback: the refusal comes as a protocol-error event instead.
              unanswered[who]++;
              socket.emit(event, ...args);
              return;
            }
            let reply: Reply;
            try {
              reply = (await socket.timeout(10_000).emitWithAck(event, ...args)) as Reply;
            } catch (error) {
              reply = { ok: true, error: { code: 'no-answer', message: String(error) } };
            }
            const valid =
              reply.ok === false && typeof reply.error?.code === 'string' && typeof reply.error.message === 'string' && reply.error.message.length > 0;
            if (!valid) wrong.push({ from: who, event, args: JSON.stringify(args).slice(0, 300), reply });
          }),
        );
      }
    }
    expect(sent).toBeGreaterThan(3000);
    expect(wrong).toEqual([]);

    await settle(500);
    expect(server.signaling.registry.snapshot()).toEqual(before);
    expect(await request(dan.socket, 'chat-history', { limit: 100 })).toEqual(history);
    // Dan sent nothing and heard nothing; the senders heard only the refusals of their calls without callback.
    expect(heard.dan).toEqual([]);
    for (const who of ['ada', 'bob', 'outsider'] as const) {
      expect(
        heard[who].filter(([event]) => event !== 'protocol-error'),
        who,
      ).toEqual([]);
      expect(heard[who], who).toHaveLength(unanswered[who]);
      for (const [, payload] of heard[who]) expect(payload).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    for (const socket of [ada.socket, bob.socket, dan.socket, outsider]) expect(socket.connected).toBe(true);

    // The room still works as before: same host, open, and relaying.
    const late = await joined(server.url, { name: 'Late' });
    expect(late.reply.room).toMatchObject({ hostId: ada.id, locked: false, waitingRoom: false, hasPasscode: false });
    expect(await request(bob.socket, 'signal', { to: dan.id, kind: 'candidate', candidate: null })).toEqual({ ok: true });
  });

  it('survives frames that are not Socket.IO at all: the server stays up and the meetings are untouched', async () => {
    const before = server.signaling.registry.snapshot();
    const frames = [
      '42[',
      '2["join"',
      '4{}',
      '42["join",{"protocol":1,',
      '451-["signal",{"_placeholder":true,"num":99}]',
      '42["join",' + '['.repeat(5000) + ']'.repeat(5000) + ']',
      '0/admin,',
      '43abc[]',
      '9',
      '',
      '\u0000\u0001\u0002',
      JSON.stringify(nested(2000)),
      // Reserved names would reach the server's own 'disconnect' listener if the parser let them through.
      '42["disconnect","ping timeout"]',
      '421["connect",{}]',
      '42["disconnecting"]',
      '42["newListener","join"]',
    ];
    for (const frame of [...frames, ...Array.from({ length: 40 }, () => JSON.stringify(randomValue()))]) {
      const socket = await connectClient(server.url);
      const engine = (socket.io as unknown as { engine: { write(data: string): void } }).engine;
      engine.write(frame);
      await settle(20);
    }
    await settle(300);
    expect(server.signaling.registry.snapshot()).toEqual(before);
    for (const socket of [ada.socket, bob.socket, dan.socket]) expect(socket.connected).toBe(true);
    expect(await request(dan.socket, 'media', { audio: false, video: false })).toEqual({ ok: true });
  });
});
