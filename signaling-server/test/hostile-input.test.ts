import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../src/protocol/index.js';
import { closeClients, connectClient, joined, joinRequest, nextEvent, request, settle, startServer, type TestServer } from './harness.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  closeClients();
  await server.close();
});

const offerTo = (to: string, sdp = 'v=0\r\n') => ({ to, kind: 'description', description: { type: 'offer', sdp } });

describe('input that is not what the protocol says', () => {
  const badJoins: Array<[string, unknown]> = [
    ['a string instead of an object', 'hello'],
    ['null', null],
    ['an array', [joinRequest()]],
    ['a missing name', { ...joinRequest(), name: undefined }],
    ['an empty name', joinRequest({ name: '   ' })],
    ['a name with control characters', joinRequest({ name: 'Ada\u0000' })],
    ['a name with a bidi override', joinRequest({ name: 'Ada\u202e' })],
    ['a 65-character name', joinRequest({ name: 'x'.repeat(65) })],
    ['a room code with a slash', joinRequest({ room: 'a/b' })],
    ['a room code with spaces', joinRequest({ room: 'my room' })],
    ['a short secret', joinRequest({ secret: 'short' })],
    ['an unknown key', { ...joinRequest(), admin: true }],
    ['media that is not booleans', { ...joinRequest(), media: { audio: 'yes', video: true } }],
  ];

  it.each(badJoins)('join with %s gets a clear error and joins nobody', async (_what, payload) => {
    const socket = await connectClient(server.url);
    const reply = await request(socket, 'join', payload);
    expect(reply.ok).toBe(false);
    expect(reply.error?.code).toBe('invalid-payload');
    expect(reply.error?.message).toMatch(/^"join": /);
    expect(server.signaling.registry.snapshot()).toEqual({});
  });

  it('explains which field is wrong', async () => {
    const socket = await connectClient(server.url);
    const reply = await request(socket, 'join', joinRequest({ room: 'a b' }));
    expect(reply.error?.message).toContain('room: a meeting code holds only Latin letters');
  });

  it('refuses malformed signals and changes nothing', async () => {
    const ada = await joined(server.url);
    const bob = await joined(server.url);
    const before = server.signaling.registry.snapshot();
    const bad: unknown[] = [
      { to: bob.id },
      { to: bob.id, kind: 'description', description: { type: 'bogus', sdp: '' } },
      { to: bob.id, kind: 'candidate', candidate: { candidate: 5 } },
      { to: bob.id, kind: 'both', description: { type: 'offer', sdp: '' } },
      { to: 'not an id!', kind: 'candidate', candidate: null },
      { to: ada.id, kind: 'candidate', candidate: null },
      { to: bob.id, kind: 'moved', view: { width: 1, height: 1 } },
      { to: ada.id, kind: 'moved' },
    ];
    for (const payload of bad) {
      const reply = await request(ada.socket, 'signal', payload);
      expect(reply, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
    expect(server.signaling.registry.snapshot()).toEqual(before);
  });

  it("relays a 'moved' to that one person of the same meeting, stamped with who sent it, and no further", async () => {
    const ada = await joined(server.url);
    const bob = await joined(server.url);
    const eve = await joined(server.url, { room: 'another-meeting-entirely' });
    const toBob = nextEvent<unknown>(bob.socket, 'signal');
    let adaGotOne = false;
    ada.socket.on('signal', () => (adaGotOne = true));
    expect(await request(ada.socket, 'signal', { to: bob.id, kind: 'moved' })).toEqual({ ok: true });
    expect(await toBob).toEqual({ from: ada.id, kind: 'moved' });
    // Someone in another meeting cannot be told, nor tell.
    expect(await request(eve.socket, 'signal', { to: bob.id, kind: 'moved' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await settle();
    expect(adaGotOne).toBe(false);
  });

  it('refuses oversized payloads and SDPs', async () => {
    const ada = await joined(server.url);
    const bob = await joined(server.url);
    const bigSdp = await request(ada.socket, 'signal', offerTo(bob.id, 'a'.repeat(LIMITS.maxSdpChars + 1)));
    expect(bigSdp).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(bigSdp.error?.message).toMatch(/SDP is longer than/);

    const huge = await request(ada.socket, 'signal', { ...offerTo(bob.id), padding: 'p'.repeat(LIMITS.maxPayloadBytes) });
    expect(huge).toMatchObject({ ok: false, error: { code: 'payload-too-large' } });
    expect(ada.socket.connected).toBe(true);
  });

  it('answers unknown events, extra arguments and missing callbacks', async () => {
    const socket = await connectClient(server.url);
    expect(await request(socket, 'become-admin', {})).toMatchObject({ ok: false, error: { code: 'unknown-event' } });
    expect(await request(socket, 'constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown-event' } });
    expect(await request(socket, 'join', joinRequest(), 'extra')).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });

    const noted = nextEvent<{ event: string; error: { code: string } }>(socket, 'protocol-error');
    socket.emit('join', { nonsense: true });
    expect(await noted).toMatchObject({ event: 'join', error: { code: 'invalid-payload' } });

    const unknown = nextEvent<{ event: string; error: { code: string } }>(socket, 'protocol-error');
    socket.emit('__proto__');
    expect(await unknown).toMatchObject({ event: '__proto__', error: { code: 'unknown-event' } });
  });

  it('stays up and keeps working after all of it', async () => {
    const socket = await connectClient(server.url);
    for (const payload of [undefined, 0, true, 'x', [], {}, { to: null }]) {
      for (const event of ['join', 'leave', 'signal']) {
        const reply = await request(socket, event, payload);
        expect(reply.ok).toBe(false);
      }
    }
    await settle();
    const ada = await joined(server.url, { name: 'Ada' });
    expect(ada.reply.ok).toBe(true);
  });
});
