import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionGuard, DEFAULT_CONNECTION_LIMITS, parseOriginList, type ConnectionLimits } from '../src/limits/index.js';
import { LIMITS } from '../src/protocol/index.js';
import { closeClients, connectClient, joined, joinRequest, nextEvent, record, request, settle, startServer, type TestServer } from './harness.js';

let server: TestServer | undefined;
afterEach(async () => {
  closeClients();
  await server?.close();
  server = undefined;
});

const limits = (overrides: Partial<ConnectionLimits>): ConnectionLimits => ({ ...DEFAULT_CONNECTION_LIMITS, ...overrides });

/** Resolves with the reason once the server drops `socket`. */
const dropped = (socket: Socket, ms = 5000): Promise<string> => nextEvent<string>(socket, 'disconnect', ms);

describe('a connection over its limits (the guard on its own)', () => {
  it('admits a burst, refuses beyond it, and admits again as the budget refills', () => {
    let t = 0;
    const drop: string[] = [];
    const guard = new ConnectionGuard(
      limits({ eventsPerSecond: 10, eventBurst: 5 }),
      (why) => drop.push(why),
      () => t,
    );
    const verdicts = Array.from({ length: 7 }, () => guard.admit('media'));
    expect(verdicts.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(verdicts[5]).toEqual({ code: 'rate-limited', message: '"media" refused: more than 10 events per second; slow down' });
    t += 300; // three events' worth
    expect([guard.admit('media'), guard.admit('media'), guard.admit('media'), guard.admit('media')].map((v) => v === null)).toEqual([true, true, true, false]);
    expect(drop).toEqual([]);
  });

  it('refuses events while the bytes already received are over budget', () => {
    let t = 0;
    const guard = new ConnectionGuard(
      limits({ bytesPerSecond: 1000, byteBurst: 2000 }),
      () => undefined,
      () => t,
    );
    guard.frame(1500);
    expect(guard.admit('signal')).toBeNull();
    guard.frame(1500);
    expect(guard.admit('signal')?.message).toMatch(/more than 1000 bytes per second/);
    t += 1000;
    expect(guard.admit('signal')).toBeNull();
  });

  it('drops the connection once, when refusals persist; a short excess is forgiven', () => {
    let t = 0;
    const drops: string[] = [];
    const guard = new ConnectionGuard(
      limits({ eventsPerSecond: 1, eventBurst: 1, maxStrikes: 5, forgivePerSecond: 5 }),
      (why) => drops.push(why),
      () => t,
    );
    guard.admit('x');
    for (let i = 0; i < 5; i++) guard.admit('x'); // five refusals: at the limit, not over it
    expect(drops).toEqual([]);
    t += 1000; // forgiven
    for (let i = 0; i < 5; i++) guard.admit('x');
    expect(drops).toEqual([]);
    for (let i = 0; i < 10; i++) guard.admit('x');
    expect(drops).toEqual(['kept exceeding its limits (events)']);
  });

  it('counts an oversized frame as a strike', () => {
    const drops: string[] = [];
    const guard = new ConnectionGuard(
      limits({ maxStrikes: 2, maxFrameBytes: 100 }),
      (why) => drops.push(why),
      () => 0,
    );
    for (let i = 0; i < 3; i++) guard.frame(101);
    expect(drops).toEqual(['kept exceeding its limits (a 101-byte frame)']);
  });
});

describe('events per second', () => {
  it('refuses what goes past the burst with rate-limited, then drops a connection that keeps on; the others carry on', async () => {
    server = await startServer({ limits: { eventsPerSecond: 1, eventBurst: 20, maxStrikes: 20, forgivePerSecond: 1 } });
    const ada = await joined(server.url, { name: 'Ada' });
    const flooder = await joined(server.url, { name: 'Flood' });
    const adaSees = record<{ id: string; reason: string }>(ada.socket, 'participant-left');
    const gone = dropped(flooder.socket);

    const replies = await Promise.all(Array.from({ length: 25 }, () => request(flooder.socket, 'media', { audio: true, video: false })));
    const refused = replies.filter((r) => !r.ok);
    // The join spent one event of the burst.
    expect(replies.filter((r) => r.ok)).toHaveLength(19);
    expect(refused).toHaveLength(6);
    for (const reply of refused) expect(reply.error).toEqual({ code: 'rate-limited', message: '"media" refused: more than 1 events per second; slow down' });
    expect(flooder.socket.connected).toBe(true);

    // It keeps going: the server hangs up on it, and the room is told it left.
    for (let i = 0; i < 30; i++) flooder.socket.emit('media', { audio: true, video: false });
    expect(await gone).toBe('io server disconnect');
    await expect.poll(() => adaSees).toEqual([{ id: flooder.id, reason: 'disconnected' }]);
    expect(
      Object.values(server.signaling.registry.snapshot())
        .flat()
        .map((p) => p.name),
    ).toEqual(['Ada']);
    expect(await request(ada.socket, 'media', { audio: false, video: false })).toEqual({ ok: true });
  });

  it('answers a refused event without a callback with protocol-error, like any refusal', async () => {
    server = await startServer({ limits: { eventBurst: 2, eventsPerSecond: 1 } });
    const socket = await connectClient(server.url);
    const errors = record<{ event: string; error: { code: string } }>(socket, 'protocol-error');
    for (let i = 0; i < 4; i++) socket.emit('leave', {});
    // Refusals for the rate go out at once, the handlers' answers after them.
    await expect.poll(() => errors.map((e) => e.error.code).sort()).toEqual(['not-in-room', 'not-in-room', 'rate-limited', 'rate-limited']);
    expect(errors.every((e) => e.event === 'leave')).toBe(true);
  });

  it('lets a client that stayed within its budget after a short excess carry on', async () => {
    server = await startServer({ limits: { eventsPerSecond: 20, eventBurst: 5 } });
    const ada = await joined(server.url, { name: 'Ada' });
    const replies = await Promise.all(Array.from({ length: 8 }, () => request(ada.socket, 'media', { audio: true, video: true })));
    expect(replies.filter((r) => !r.ok).length).toBeGreaterThan(0);
    await settle(400);
    expect(await request(ada.socket, 'media', { audio: true, video: true })).toEqual({ ok: true });
    expect(ada.socket.connected).toBe(true);
  });
});

describe('bytes per second and payload size', () => {
  it('refuses events once the bytes received are over budget, SDPs included', async () => {
    server = await startServer({ limits: { bytesPerSecond: 5_000, byteBurst: 50_000 } });
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const offer = { to: bob.id, kind: 'description', description: { type: 'offer', sdp: `v=0\r\n${'a=x\r\n'.repeat(2000)}` } }; // 14 KB as JSON
    const replies: Array<{ ok: boolean; error?: { code: string; message: string } }> = [];
    for (let i = 0; i < 5; i++) replies.push(await request(ada.socket, 'signal', offer));
    expect(replies.slice(0, 3).every((r) => r.ok)).toBe(true);
    expect(replies.at(-1)).toEqual({ ok: false, error: { code: 'rate-limited', message: '"signal" refused: more than 5000 bytes per second; slow down' } });
  });

  it('refuses a payload over the limit, and drops a connection that keeps sending them', async () => {
    server = await startServer({ limits: { maxStrikes: 3, byteBurst: 10_000_000, bytesPerSecond: 10_000_000 } });
    const ada = await joined(server.url, { name: 'Ada' });
    const big = { id: 'message-0001', text: 'x'.repeat(LIMITS.maxPayloadBytes + 1000) };
    expect(await request(ada.socket, 'chat-send', big)).toMatchObject({ ok: false, error: { code: 'payload-too-large' } });
    const gone = dropped(ada.socket);
    for (let i = 0; i < 3; i++) ada.socket.emit('chat-send', big);
    expect(await gone).toBe('io server disconnect');
  });

  it('closes a connection at once when a frame is bigger than the transport accepts', async () => {
    server = await startServer();
    const socket = await connectClient(server.url);
    const gone = dropped(socket);
    socket.emit('chat-send', { id: 'message-0001', text: 'x'.repeat(LIMITS.maxPayloadBytes * 3) });
    expect(await gone).toBe('transport close');
    expect(await (await connectClient(server.url)).connected).toBe(true);
  });
});

describe('room size', () => {
  it('refuses a newcomer to a full meeting with a clear error; a member reconnecting always gets back in', async () => {
    server = await startServer({ maxRoomSize: 3 });
    const adaJoin = joinRequest({ name: 'Ada' });
    const adaFirst = await connectClient(server.url);
    expect((await request(adaFirst, 'join', adaJoin)).ok).toBe(true);
    await joined(server.url, { name: 'Bob' });
    const cy = await joined(server.url, { name: 'Cy' });
    const before = server.signaling.registry.snapshot();

    const dan = await connectClient(server.url);
    expect(await request(dan, 'join', joinRequest({ name: 'Dan' }))).toEqual({
      ok: false,
      error: { code: 'room-full', message: 'the meeting is full: at most 3 people can be in it' },
    });
    expect(server.signaling.registry.snapshot()).toEqual(before);
    // Other meetings are not affected.
    expect((await request(dan, 'join', joinRequest({ name: 'Dan', room: 'another' }))).ok).toBe(true);

    // Ada on a new connection (her network changed): she is in the meeting, so she gets back in.
    const adaAgain = await connectClient(server.url);
    expect(await request(adaAgain, 'join', adaJoin)).toMatchObject({ ok: true, self: { name: 'Ada' } });

    // Once someone leaves, there is room again.
    expect(await request(cy.socket, 'leave', {})).toEqual({ ok: true });
    const eve = await connectClient(server.url);
    expect(await request(eve, 'join', joinRequest({ name: 'Eve' }))).toMatchObject({ ok: true });
  });

  it('counts the waiting room, so that admitting people never goes past the limit', async () => {
    server = await startServer({ maxRoomSize: 2 });
    const ada = await joined(server.url, { name: 'Ada' });
    expect(await request(ada.socket, 'host-settings', { waitingRoom: true })).toMatchObject({ ok: true });
    const bob = await connectClient(server.url);
    expect(await request(bob, 'join', joinRequest({ name: 'Bob' }))).toEqual({ ok: true, waiting: true });
    const cy = await connectClient(server.url);
    expect(await request(cy, 'join', joinRequest({ name: 'Cy' }))).toMatchObject({ ok: false, error: { code: 'room-full' } });
  });
});

describe('browser origins', () => {
  const attempt = (url: string, origin?: string): Promise<boolean> =>
    new Promise((resolve) => {
      const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(origin ? { extraHeaders: { origin } } : {}) });
      socket.once('connect', () => {
        socket.disconnect();
        resolve(true);
      });
      socket.once('connect_error', () => resolve(false));
    });

  it('lets in the listed origins, pages the server served itself, and clients that are not browsers; refuses other pages', async () => {
    server = await startServer({ allowedOrigins: ['https://meet.example.org', 'app://roundtable'] });
    const own = new URL(server.url).origin;
    expect(await attempt(server.url, 'https://meet.example.org')).toBe(true);
    expect(await attempt(server.url, 'app://roundtable')).toBe(true);
    expect(await attempt(server.url, own)).toBe(true);
    expect(await attempt(server.url)).toBe(true);
    for (const origin of ['https://evil.example', 'https://meet.example.org.evil.example', 'null', 'http://127.0.0.1:1']) {
      expect(await attempt(server.url, origin), origin).toBe(false);
    }
  });

  it("reads the CLI's list of origins", () => {
    expect(parseOriginList('https://a.example, http://b.example:8080/ ,app://roundtable')).toEqual([
      'https://a.example',
      'http://b.example:8080',
      'app://roundtable',
    ]);
    expect(parseOriginList('https://a.example,*')).toBe('*');
    expect(parseOriginList('')).toEqual([]);
    expect(() => parseOriginList('https://a.example/path')).toThrow(/not an origin/);
    expect(() => parseOriginList('a.example')).toThrow(/not an origin/);
  });
});
