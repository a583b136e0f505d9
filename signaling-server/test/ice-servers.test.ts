import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { iceServersFor, validateIceConfig } from '../src/ice/ice-servers.js';
import { closeClients, connectClient, joinRequest, request, startServer, type TestServer } from './harness.js';

const SECRET = 'shared-with-coturn-0123456789';
const TURN = { urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349?transport=tcp'], secret: SECRET, ttlSeconds: 3600 };

let server: TestServer | undefined;
afterEach(async () => {
  closeClients();
  await server?.close();
  server = undefined;
});

describe('STUN/TURN servers handed out at join', () => {
  it('gives each participant TURN credentials of their own that the TURN server can check with the shared secret', () => {
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const [stun, turn] = iceServersFor({ stunUrls: ['stun:stun.example.org:3478'], turn: TURN }, 'participant-a', now);
    expect(stun).toEqual({ urls: ['stun:stun.example.org:3478'] });
    // coturn's use-auth-secret: username "<expiry>:<anything>", password base64(HMAC-SHA1(secret, username)).
    expect(turn!.urls).toEqual(TURN.urls);
    expect(turn!.username).toBe(`${now / 1000 + 3600}:participant-a`);
    expect(turn!.credential).toBe(createHmac('sha1', SECRET).update(turn!.username!).digest('base64'));
    const other = iceServersFor({ turn: TURN }, 'participant-b', now)[0]!;
    expect(other.credential).not.toBe(turn!.credential);
  });

  it('hands out nothing when nothing is configured (a LAN meeting)', () => {
    expect(iceServersFor({}, 'participant-a', Date.now())).toEqual([]);
  });

  it('refuses a configuration that cannot work, saying what is wrong', () => {
    expect(() => validateIceConfig({ stunUrls: ['https://stun.example.org'] })).toThrow('"https://stun.example.org" is not a stun: or stuns: URL');
    expect(() => validateIceConfig({ turn: { ...TURN, urls: [] } })).toThrow('a TURN secret needs at least one turn: URL');
    expect(() => validateIceConfig({ turn: { ...TURN, secret: 'short' } })).toThrow('at least 16 characters');
    expect(() => validateIceConfig({ turn: { ...TURN, ttlSeconds: 5 } })).toThrow('at least 60');
    expect(() => validateIceConfig({ turn: { ...TURN, urls: ['turn:a.org', 'stun:b.org'] } })).toThrow('"stun:b.org" is not a turn: or turns: URL');
    // More than a participant's app accepts in a join reply: refused here, not by every client.
    const nine = Array.from({ length: 9 }, (_, i) => `stun:stun${i}.example.org:3478`);
    expect(() => validateIceConfig({ stunUrls: nine })).toThrow('participants would refuse these servers');
  });

  it('puts them in the join reply, never the secret; a server without them sends none', async () => {
    server = await startServer({ ice: { turn: TURN } });
    const reply = await request(await connectClient(server.url), 'join', joinRequest({ room: 'relay' }));
    expect(reply.ok).toBe(true);
    const servers = reply.iceServers as Array<{ urls: string[]; username: string; credential: string }>;
    expect(servers).toHaveLength(1);
    expect(servers[0]!.username).toMatch(new RegExp(`^\\d+:${(reply.self as { id: string }).id}$`));
    expect(JSON.stringify(reply)).not.toContain(SECRET);
    await server.close();

    server = await startServer();
    const plain = await request(await connectClient(server.url), 'join', joinRequest({ room: 'lan' }));
    expect(plain.ok).toBe(true);
    expect(plain).not.toHaveProperty('iceServers');
  });

  it('also gives them to someone let in from the waiting room', async () => {
    server = await startServer({ ice: { turn: TURN } });
    const host = await connectClient(server.url);
    await request(host, 'join', joinRequest({ room: 'lobby', create: { waitingRoom: true } }));
    const guest = await connectClient(server.url);
    const admitted = new Promise<{ iceServers?: Array<{ username: string }> }>((resolve) => guest.once('admitted', resolve));
    const someoneWaits = new Promise<{ waiting: Array<{ id: string }> }>((resolve) =>
      host.on('waiting-list', (list: { waiting: Array<{ id: string }> }) => list.waiting.length > 0 && resolve(list)),
    );
    expect(await request(guest, 'join', joinRequest({ room: 'lobby' }))).toMatchObject({ ok: true, waiting: true });
    const list = await someoneWaits;
    expect(await request(host, 'admit', { id: list.waiting[0]!.id })).toMatchObject({ ok: true });
    expect((await admitted).iceServers?.[0]?.username).toMatch(/^\d+:/);
  });
});
