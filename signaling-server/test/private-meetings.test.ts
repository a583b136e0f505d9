import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { SignalingDeps, SignalingOptions } from '../src/app.js';
import {
  closeClients,
  connectClient,
  joined,
  joinRequest,
  nextEvent,
  record,
  request,
  settle,
  startServer,
  type ClientHeaders,
  type Reply,
  type TestServer,
} from './harness.js';

/**
 * The rules that make a meeting private, tried as an attacker would (docs/security.md says which
 * attacker each one stops). Each test fails on the server before these rules.
 */
let server: TestServer | undefined;
afterEach(async () => {
  closeClients();
  await server?.close();
  server = undefined;
});

async function start(options: SignalingOptions = {}, deps: SignalingDeps = {}): Promise<TestServer> {
  server = await startServer(options, undefined, deps);
  return server;
}

const texts = (reply: Reply): string[] => (reply.messages as Array<{ text: string }>).map((m) => m.text);
const say = (socket: Awaited<ReturnType<typeof connectClient>>, id: string, text: string) => request(socket, 'chat-send', { id, text });
const plainJoin = (overrides = {}) => joinRequest({ create: undefined, ...overrides });

describe('chat belongs to one meeting instance', () => {
  it('a stranger who starts an ended meeting again under its code reads none of its chat', async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'quarterly', name: 'Ada', create: { passcode: 'board-only-2026', waitingRoom: true } });
    await say(ada.socket, 'secret-0001', 'the numbers are bad');
    expect(texts(await request(ada.socket, 'chat-history', { limit: 10 }))).toEqual(['the numbers are bad']);
    expect(await request(ada.socket, 'leave', {})).toEqual({ ok: true });
    await settle(100);

    const eve = await joined(url, { room: 'quarterly', name: 'Eve' });
    expect(eve.reply.self).toMatchObject({ host: true });
    expect(await request(eve.socket, 'chat-history', { limit: 100 })).toEqual({ ok: true, messages: [], hasMore: false });
  });

  it('a new meeting that happens to reuse a code starts with an empty chat, even after a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rt-private-')), 'chat.db');
    let { url } = await start({}, { store: await SqliteStore.open(file) });
    const ada = await joined(url, { room: 'reused', name: 'Ada' });
    await say(ada.socket, 'first-0001', 'from the first meeting');
    await request(ada.socket, 'end-meeting', {});
    await settle(200);
    await server!.close();
    ({ url } = await start({}, { store: await SqliteStore.open(file) }));
    const bob = await joined(url, { room: 'reused', name: 'Bob' });
    expect(texts(await request(bob.socket, 'chat-history', { limit: 100 }))).toEqual([]);
  });

  it("a kept chat is the host's: they start the meeting again and read it; a stranger cannot start it or read it", async () => {
    const { url } = await start();
    const hostJoin = joinRequest({ room: 'weekly', name: 'Ada' });
    const ada = await connectClient(url);
    expect(await request(ada, 'join', hostJoin)).toMatchObject({ ok: true, room: { keepChat: false } });
    expect(await request(ada, 'host-settings', { keepChat: true })).toMatchObject({ ok: true, room: { keepChat: true } });
    await say(ada, 'kept-000001', 'agenda for next week');
    expect(await request(ada, 'end-meeting', {})).toEqual({ ok: true });
    await settle(200);

    // Eve knows the code: asking to start it only puts her in front of a closed door.
    const eve = await connectClient(url);
    expect(await request(eve, 'join', joinRequest({ room: 'weekly', name: 'Eve' }))).toEqual({ ok: true, waiting: true });
    expect(await request(eve, 'chat-history', { limit: 10 })).toMatchObject({ ok: false, error: { code: 'not-in-room' } });

    // The host comes back (same identity): the same meeting, its chat, and Eve is told it started.
    const arrived = nextEvent(eve, 'host-arrived');
    const back = await connectClient(url);
    expect(await request(back, 'join', hostJoin)).toMatchObject({ ok: true, self: { host: true }, room: { keepChat: true } });
    expect(texts(await request(back, 'chat-history', { limit: 10 }))).toEqual(['agenda for next week']);
    await arrived;
    // Through the meeting's rules, the people the host lets in read it too.
    const again = await request(eve, 'join', joinRequest({ room: 'weekly', name: 'Eve' }));
    expect(again).toMatchObject({ ok: true, self: { host: false } });
    expect(texts(await request(eve, 'chat-history', { limit: 10 }))).toEqual(['agenda for next week']);
  });

  it('a kept chat is deleted when its retention runs out', async () => {
    let clock = 1_700_000_000_000;
    const file = join(mkdtempSync(join(tmpdir(), 'rt-private-')), 'chat.db');
    const retention = 24 * 60 * 60_000;
    let { url } = await start({ chatRetentionMs: retention }, { store: await SqliteStore.open(file), now: () => clock });
    const hostJoin = joinRequest({ room: 'retained', name: 'Ada' });
    const ada = await connectClient(url);
    await request(ada, 'join', hostJoin);
    await request(ada, 'host-settings', { keepChat: true });
    await say(ada, 'kept-000001', 'kept for a day');
    await request(ada, 'end-meeting', {});
    await settle(200);
    await server!.close();
    clock += retention + 1;
    ({ url } = await start({ chatRetentionMs: retention }, { store: await SqliteStore.open(file), now: () => clock }));
    const back = await connectClient(url);
    expect(await request(back, 'join', hostJoin)).toMatchObject({ ok: true, self: { host: true } });
    expect(texts(await request(back, 'chat-history', { limit: 10 }))).toEqual([]);
  });
});

describe('meeting codes tell a stranger nothing', () => {
  it('a script walking codes gets the same answer for no meeting and for a meeting that keeps it waiting, and reads nothing', async () => {
    const { url } = await start({ trustProxy: true });
    const ada = await joined(url, { room: 'live-with-lobby', name: 'Ada', create: { waitingRoom: true } });
    await say(ada.socket, 'private-001', 'only for us');
    const walker: ClientHeaders = { address: '203.0.113.7' };
    const answers: Record<string, Reply> = {};
    for (const room of ['nobody-here', 'live-with-lobby']) {
      const socket = await connectClient(url, walker);
      answers[room] = await request(socket, 'join', plainJoin({ room, name: 'Walker' }));
      expect(await request(socket, 'chat-history', { limit: 100 })).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
    }
    expect(answers['nobody-here']).toEqual({ ok: true, waiting: true });
    expect(answers['live-with-lobby']).toEqual(answers['nobody-here']);
    // Walking on is slowed to a crawl, per address: 30 tries, then one every 5 s.
    const socket = await connectClient(url, walker);
    const replies = [];
    for (let i = 0; i < 40; i += 1) {
      replies.push(await request(socket, 'join', plainJoin({ room: `guess-${i}`, name: 'Walker' })));
      await request(socket, 'leave', {});
    }
    expect(replies.filter((r) => r.error?.code === 'rate-limited').length).toBeGreaterThanOrEqual(10);
    // Someone else is not slowed by it.
    expect(await request(await connectClient(url, { address: '198.51.100.2' }), 'join', plainJoin({ room: 'guess-x' }))).toEqual({ ok: true, waiting: true });
  });

  it('starting meetings is limited per address', async () => {
    const { url } = await start({ trustProxy: true });
    const replies = [];
    for (let i = 0; i < 25; i += 1) {
      const socket = await connectClient(url, { address: '203.0.113.9' });
      replies.push(await request(socket, 'join', joinRequest({ room: `throwaway-${i}` })));
      socket.disconnect();
    }
    expect(replies.slice(0, 20).every((r) => r.ok)).toBe(true);
    expect(replies.slice(20).map((r) => r.error?.code)).toEqual(Array(5).fill('rate-limited'));
    expect((await joined(url, { room: 'mine' }, { address: '198.51.100.3' })).reply.ok).toBe(true);
  });
});

describe('passcodes', () => {
  const passcodeJoin = (passcode: string, overrides = {}) => plainJoin({ room: 'vault', passcode, ...overrides });

  it('a hundred wrong guesses at once are one guess; the right passcode from someone else still gets in', async () => {
    const { url } = await start({ trustProxy: true });
    await joined(url, { room: 'vault', name: 'Ada', create: { passcode: 'correct horse' } });
    const attacker = await connectClient(url, { address: '203.0.113.66' });
    // One connection, a hundred joins in flight.
    const flood = Promise.all(Array.from({ length: 100 }, (_, i) => request(attacker, 'join', passcodeJoin(`guess-${i}-xx`))));
    // Another hundred connections from the same address.
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connectClient(url, { address: '203.0.113.66' })));
    const spread = Promise.all(sockets.map((s, i) => request(s, 'join', passcodeJoin(`spread-${i}-xx`))));
    const friend = await connectClient(url, { address: '198.51.100.20' });
    const started = Date.now();
    const friendReply = await request(friend, 'join', passcodeJoin('correct horse', { name: 'Bob' }));
    expect(friendReply).toMatchObject({ ok: true, self: { name: 'Bob' } });
    expect(Date.now() - started).toBeLessThan(1500);
    const codes = [...(await flood), ...(await spread)].map((r) => r.error?.code);
    // At most one guess per address was checked; everything else was refused without hashing.
    expect(codes.filter((c) => c === 'passcode-wrong').length).toBe(1);
    expect(codes.every((c) => c === 'passcode-wrong' || c === 'rate-limited' || c === 'already-in-room')).toBe(true);
  });

  it('X-Forwarded-For is believed only behind a proxy the operator declared', async () => {
    const { url } = await start();
    await joined(url, { room: 'vault', name: 'Ada', create: { passcode: 'correct horse' } });
    // Without --trust-proxy, a guesser cannot pose as many addresses.
    const first = await request(await connectClient(url, { address: '203.0.113.1' }), 'join', passcodeJoin('wrong-one-1'));
    const second = await request(await connectClient(url, { address: '203.0.113.2' }), 'join', passcodeJoin('wrong-one-2'));
    expect(first.error?.code).toBe('passcode-wrong');
    expect(second.error?.code).toBe('rate-limited');
  });

  it('a passcode has at least 8 characters', async () => {
    const { url } = await start();
    const socket = await connectClient(url);
    expect(await request(socket, 'join', joinRequest({ create: { passcode: '1234' } }))).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const ada = await joined(url, { name: 'Ada' });
    expect(await request(ada.socket, 'host-settings', { passcode: 'short' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await request(ada.socket, 'host-settings', { passcode: 'long enough' })).toMatchObject({ ok: true });
  });

  it('a join that arrives while the meeting is being made with a passcode still needs it', async () => {
    const { url } = await start();
    const ada = await connectClient(url);
    const eve = await connectClient(url);
    const creating = request(ada, 'join', joinRequest({ room: 'racing', name: 'Ada', create: { passcode: 'passcode-123' } }));
    // Eve is quicker than the hash.
    await new Promise((resolve) => setImmediate(resolve));
    const eveReply = await request(eve, 'join', plainJoin({ room: 'racing', name: 'Eve' }));
    expect((await creating).ok).toBe(true);
    expect(eveReply).toMatchObject({ ok: false, error: { code: 'passcode-required' } });
  });

  it('joins checked at the same moment cannot overfill the meeting', async () => {
    const { url } = await start({ trustProxy: true, maxRoomSize: 5 });
    await joined(url, { room: 'vault', name: 'Ada', create: { passcode: 'correct horse' } });
    const sockets = await Promise.all(Array.from({ length: 20 }, (_, i) => connectClient(url, { address: `198.51.100.${i + 1}` })));
    const replies = await Promise.all(sockets.map((s, i) => request(s, 'join', passcodeJoin('correct horse', { name: `P${i}` }))));
    expect(replies.filter((r) => r.ok).length).toBe(4);
    expect(replies.filter((r) => !r.ok).every((r) => r.error?.code === 'room-full')).toBe(true);
    expect(server!.signaling.registry.members('vault')).toHaveLength(5);
  });
});

describe('browser origins', () => {
  it('a page on another origin, or on a rebinding domain that resolves to this machine, cannot connect', async () => {
    const { url } = await start();
    const port = new URL(url).port;
    await expect(connectClient(url, { origin: 'https://evil.example' })).rejects.toThrow();
    await expect(connectClient(url, { origin: `http://evil.example:${port}`, host: `evil.example:${port}` })).rejects.toThrow();
    // This server's own pages (one of its own names, at its port) and the desktop app can.
    expect((await connectClient(url, { origin: `http://127.0.0.1:${port}` })).connected).toBe(true);
    expect((await connectClient(url, { origin: `http://localhost:${port}` })).connected).toBe(true);
    expect((await connectClient(url, { origin: 'app://roundtable' })).connected).toBe(true);
    await expect(connectClient(url, { origin: `http://127.0.0.1:${Number(port) + 1}` })).rejects.toThrow();
  });

  it('connections from one address are limited', async () => {
    const { url } = await start({ addressLimits: { maxConnections: 3 } });
    await Promise.all([connectClient(url), connectClient(url), connectClient(url)]);
    await expect(connectClient(url)).rejects.toThrow();
  });
});

describe('the host role', () => {
  it('cannot be taken while the host is reconnecting: the meeting and its rules live on', async () => {
    const { url } = await start({ hostGraceMs: 2000 });
    const hostJoin = joinRequest({ room: 'board', name: 'Ada', create: { passcode: 'board-only-2026' } });
    const ada = await connectClient(url);
    await request(ada, 'join', hostJoin);
    const bob = await joined(url, plainJoin({ room: 'board', name: 'Bob', passcode: 'board-only-2026' }));
    ada.disconnect();
    await settle(100);
    await request(bob.socket, 'leave', {});
    await settle(100);
    // Eve arrives in the gap: no passcode, no host role.
    const eve = await connectClient(url);
    expect(await request(eve, 'join', joinRequest({ room: 'board', name: 'Eve' }))).toMatchObject({ ok: false, error: { code: 'passcode-required' } });
    const back = await connectClient(url);
    expect(await request(back, 'join', hostJoin)).toMatchObject({ ok: true, self: { host: true } });
  });

  it('after a restart the host is still the host, and everyone let in comes back without the passcode', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rt-private-')), 'chat.db');
    let { url } = await start({}, { store: await SqliteStore.open(file) });
    const hostJoin = joinRequest({ room: 'restart', name: 'Ada', create: { passcode: 'board-only-2026' } });
    const bobJoin = plainJoin({ room: 'restart', name: 'Bob', passcode: 'board-only-2026' });
    const ada = await connectClient(url);
    const adaId = ((await request(ada, 'join', hostJoin)).self as { id: string }).id;
    const bob = await connectClient(url);
    await request(bob, 'join', bobJoin);
    await say(ada, 'before-0001', 'before the restart');
    await settle(200);
    await server!.close();
    ({ url } = await start({}, { store: await SqliteStore.open(file) }));
    // Bob is back first: he is not made host, and needs no passcode.
    const bobBack = await connectClient(url);
    expect(await request(bobBack, 'join', { ...bobJoin, passcode: undefined })).toMatchObject({ ok: true, self: { host: false }, room: { hostId: adaId } });
    expect(texts(await request(bobBack, 'chat-history', { limit: 10 }))).toEqual(['before the restart']);
    const adaBack = await connectClient(url);
    expect(await request(adaBack, 'join', hostJoin)).toMatchObject({ ok: true, self: { host: true } });
    // A stranger still needs the passcode.
    expect(await request(await connectClient(url), 'join', plainJoin({ room: 'restart' }))).toMatchObject({ ok: false, error: { code: 'passcode-required' } });
  });

  it('a meeting nobody comes back to after a restart ends, and its chat with it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rt-private-')), 'chat.db');
    let { url } = await start({}, { store: await SqliteStore.open(file) });
    const ada = await joined(url, { room: 'abandoned', name: 'Ada' });
    await say(ada.socket, 'gone-000001', 'nobody will read this');
    await settle(200);
    await server!.close();
    ({ url } = await start({ restartGraceMs: 300 }, { store: await SqliteStore.open(file) }));
    await server!.signaling.ready;
    expect(server!.signaling.meetings.get('abandoned')).toBeDefined();
    await settle(800);
    expect(server!.signaling.meetings.get('abandoned')).toBeUndefined();
    await server!.close();
    const store = await SqliteStore.open(file);
    expect(await store.loadMeetings()).toEqual([]);
    await store.close();
    server = undefined;
  });
});

describe('chat cannot flood the server', () => {
  it('each participant is paced, and a meeting holds at most so much', async () => {
    let clock = 1_700_000_000_000;
    const { url } = await start({ chatLimits: { burst: 3, perSecond: 1, maxMessagesPerMeeting: 5 } }, { now: () => clock });
    const ada = await joined(url, { name: 'Ada' });
    const codes = [];
    for (let i = 0; i < 5; i += 1) codes.push((await say(ada.socket, `pace-${String(i).padStart(6, '0')}`, `m${i}`)).error?.code ?? 'ok');
    expect(codes).toEqual(['ok', 'ok', 'ok', 'rate-limited', 'rate-limited']);
    clock += 10_000;
    for (let i = 5; i < 8; i += 1) codes.push((await say(ada.socket, `pace-${String(i).padStart(6, '0')}`, `m${i}`)).error?.code ?? 'ok');
    expect(codes.slice(5)).toEqual(['ok', 'ok', 'quota-exceeded']);
    expect(texts(await request(ada.socket, 'chat-history', { limit: 10 }))).toEqual(['m0', 'm1', 'm2', 'm5', 'm6']);
  });
});

describe('the smaller holes', () => {
  it('TURN credentials are short-lived, fresh on request, and only for people in the meeting', async () => {
    let clock = 1_700_000_000_000;
    const ice = { turn: { urls: ['turn:turn.example.org:3478'], secret: 'a-long-shared-secret-for-turn' } };
    const { url } = await start({ ice, trustProxy: true, hostGraceMs: 100 }, { now: () => clock });
    const ada = await joined(url, { name: 'Ada', create: { waitingRoom: true } });
    const expiry = (servers: unknown): number => Number(((servers as Array<{ username?: string }>)[0]!.username ?? '').split(':')[0]);
    expect(expiry(ada.reply.iceServers) - clock / 1000).toBeLessThanOrEqual(600);
    clock += 300_000;
    const fresh = await request(ada.socket, 'ice-servers', {});
    expect(expiry(fresh.iceServers)).toBe(expiry(ada.reply.iceServers) + 300);
    // Waiting, or not in the meeting at all: none.
    const waiter = await connectClient(url, { address: '203.0.113.5' });
    expect(await request(waiter, 'join', plainJoin({ name: 'Waiter' }))).toEqual({ ok: true, waiting: true });
    expect(await request(waiter, 'ice-servers', {})).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
    expect(await request(await connectClient(url), 'ice-servers', {})).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
  });

  it("one person's toggles reach the others at most ten times a second, ending where they ended", async () => {
    const { url } = await start();
    const ada = await joined(url, { name: 'Ada' });
    const bob = await joined(url, { name: 'Bob' });
    const updates = record<{ id: string; media: { audio: boolean } }>(bob.socket, 'participant-updated');
    const started = Date.now();
    for (let i = 0; i < 100; i += 1) ada.socket.emit('media', { audio: i % 2 === 0, video: true }, () => undefined);
    await request(ada.socket, 'media', { audio: false, video: true });
    await settle(400);
    const elapsed = (Date.now() - started) / 1000;
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed * 10) + 1);
    expect(updates.at(-1)).toMatchObject({ id: ada.id, media: { audio: false } });
  });

  it('names with invisible characters are refused, and look-alike forms are folded (NFKC)', async () => {
    const { url } = await start();
    for (const name of ['A\u200bda', 'Ada\u2028Admin', 'Ada\u2029Admin', '\u202eadA', 'Ada\u2060']) {
      const reply = await request(await connectClient(url), 'join', joinRequest({ name }));
      expect(reply, JSON.stringify(name)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
    const wide = await joined(url, { name: 'Ａｄａ' });
    expect(wide.reply.self).toMatchObject({ name: 'Ada' });
  });

  it('someone removed stays out of the waiting room too', async () => {
    const { url } = await start();
    const ada = await joined(url, { name: 'Ada' });
    const bobJoin = plainJoin({ name: 'Bob' });
    const bob = await connectClient(url);
    const bobId = ((await request(bob, 'join', bobJoin)).self as { id: string }).id;
    await request(ada.socket, 'remove', { id: bobId });
    await request(ada.socket, 'host-settings', { waitingRoom: true });
    const lists = record<{ waiting: unknown[] }>(ada.socket, 'waiting-list');
    expect(await request(await connectClient(url), 'join', bobJoin)).toMatchObject({ ok: false, error: { code: 'banned' } });
    await settle(100);
    expect(lists).toEqual([]);
  });
});
