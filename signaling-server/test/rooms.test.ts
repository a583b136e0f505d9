import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeClients, connectClient, joined, joinRequest, nextEvent, record, request, settle, startServer, type TestServer } from './harness.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  closeClients();
  await server.close();
});

describe('joining a meeting', () => {
  it('answers with your id and who is already there, and tells them you arrived', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    expect(ada.reply.participants).toEqual([]);

    const arrived = nextEvent<{ id: string; name: string }>(ada.socket, 'participant-joined');
    const bob = await joined(server.url, { name: 'Bob' });
    expect(bob.reply.self).toMatchObject({ id: bob.id, name: 'Bob', media: { audio: true, video: true } });
    expect(bob.reply.participants).toEqual([expect.objectContaining({ id: ada.id, name: 'Ada' })]);
    expect(await arrived).toMatchObject({ id: bob.id, name: 'Bob' });
  });

  it('keeps rooms apart: meeting codes are case-insensitive, other codes see nobody', async () => {
    const ada = await joined(server.url, { room: 'Design-Review' });
    const other = await joined(server.url, { room: 'lunch' });
    expect(other.reply.participants).toEqual([]);
    const same = await joined(server.url, { room: 'design-review' });
    expect(same.reply.participants).toEqual([expect.objectContaining({ id: ada.id })]);
  });

  it('gives a reconnecting client its id back without announcing a departure', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const request1 = joinRequest({ name: 'Bob' });
    const first = await connectClient(server.url);
    const firstReply = await request(first, 'join', request1);
    const departures = record(ada.socket, 'participant-left');

    const rejoined = nextEvent<{ id: string }>(ada.socket, 'participant-joined');
    const second = await connectClient(server.url);
    const secondReply = await request(second, 'join', request1);
    expect((secondReply.self as { id: string }).id).toBe((firstReply.self as { id: string }).id);
    expect((await rejoined).id).toBe((firstReply.self as { id: string }).id);
    await settle(300);
    expect(first.connected).toBe(false);
    expect(departures).toEqual([]);
    expect(server.signaling.registry.members('standup')).toHaveLength(2);
  });

  it('refuses a second join on the same connection and an unknown protocol version', async () => {
    const ada = await joined(server.url);
    const again = await request(ada.socket, 'join', joinRequest());
    expect(again).toMatchObject({ ok: false, error: { code: 'already-in-room' } });

    const old = await connectClient(server.url);
    const reply = await request(old, 'join', joinRequest({ protocol: 999 }));
    expect(reply).toMatchObject({ ok: false, error: { code: 'version-mismatch' } });
    expect(reply.error?.message).toMatch(/protocol 1/);
    expect(server.signaling.registry.members('standup')).toHaveLength(1);
  });
});

describe('leaving', () => {
  it('tells the others at once when someone leaves, and says why', async () => {
    const ada = await joined(server.url);
    const bob = await joined(server.url);
    const left = nextEvent(ada.socket, 'participant-left');
    expect(await request(bob.socket, 'leave', {})).toEqual({ ok: true });
    expect(await left).toEqual({ id: bob.id, reason: 'left' });
    expect(await request(bob.socket, 'leave', {})).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
  });

  it('treats a dropped connection as leaving', async () => {
    const ada = await joined(server.url);
    const bob = await joined(server.url);
    const left = nextEvent(ada.socket, 'participant-left');
    bob.socket.disconnect();
    expect(await left).toEqual({ id: bob.id, reason: 'disconnected' });
    expect(server.signaling.registry.members('standup').map((m) => m.id)).toEqual([ada.id]);
  });
});

describe('relaying WebRTC signals', () => {
  const offer = { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n' } };

  it('delivers to exactly the named participant, stamped with the sender', async () => {
    const ada = await joined(server.url);
    const bob = await joined(server.url);
    const cy = await joined(server.url);
    const cySaw = record(cy.socket, 'signal');
    const received = nextEvent(bob.socket, 'signal');
    expect(await request(ada.socket, 'signal', { to: bob.id, ...offer })).toEqual({ ok: true });
    expect(await received).toEqual({ from: ada.id, ...offer });

    const candidate = { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    const receivedCandidate = nextEvent(bob.socket, 'signal');
    expect(await request(ada.socket, 'signal', { to: bob.id, ...candidate })).toEqual({ ok: true });
    expect(await receivedCandidate).toEqual({ from: ada.id, ...candidate });
    await settle();
    expect(cySaw).toEqual([]);
  });

  it('refuses to relay to someone in another room, or before joining', async () => {
    const ada = await joined(server.url, { room: 'alpha' });
    const eve = await joined(server.url, { room: 'beta' });
    const adaSaw = record(ada.socket, 'signal');
    const reply = await request(eve.socket, 'signal', { to: ada.id, ...offer });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(reply.error?.message).toContain(ada.id);

    const stranger = await connectClient(server.url);
    expect(await request(stranger, 'signal', { to: ada.id, ...offer })).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
    await settle();
    expect(adaSaw).toEqual([]);
  });
});

describe('media state', () => {
  it('tells everyone in the room when someone mutes or turns their camera off', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const seen = nextEvent(bob.socket, 'participant-updated');
    expect(await request(ada.socket, 'media', { audio: false, video: true })).toEqual({ ok: true });
    expect(await seen).toMatchObject({ id: ada.id, name: 'Ada', media: { audio: false, video: true } });
    const late = await joined(server.url);
    expect(late.reply.participants).toContainEqual(expect.objectContaining({ id: ada.id, media: { audio: false, video: true, screen: false } }));
    expect(await request(ada.socket, 'media', { audio: 'off', video: true })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});

describe('ending a meeting', () => {
  it('tells everyone in the room why, then closes their connections; other rooms go on', async () => {
    const ada = await joined(server.url, { room: 'ending' });
    const bob = await joined(server.url, { room: 'ending' });
    const other = await joined(server.url, { room: 'continuing' });
    const adaTold = nextEvent(ada.socket, 'meeting-ended');
    const bobTold = nextEvent(bob.socket, 'meeting-ended');
    // An embedder that gives only a reason: it is the code too.
    const ended = { reason: 'host-stopped', message: 'The host stopped hosting.' } as const;
    server.signaling.endMeeting(ended, 'ending');
    expect(await adaTold).toEqual({ ...ended, code: 'host-stopped' });
    expect(await bobTold).toEqual({ ...ended, code: 'host-stopped' });
    await settle(400);
    expect(ada.socket.connected).toBe(false);
    expect(other.socket.connected).toBe(true);
    expect(server.signaling.registry.members('ending')).toEqual([]);
  });
});
