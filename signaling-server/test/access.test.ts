import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILE_LIMITS, HOST_EVENTS } from '../src/protocol/index.js';
import { closeClients, connectClient, joined, joinRequest, nextEvent, record, request, settle, startServer, type Reply, type TestServer } from './harness.js';

let server: TestServer;
let clock = 1_700_000_000_000;
beforeEach(async () => {
  clock = 1_700_000_000_000;
  server = await startServer({}, undefined, { now: () => clock });
});
afterEach(async () => {
  closeClients();
  await server.close();
});

const room = (reply: Reply) => reply.room as { hostId: string | null; locked: boolean; waitingRoom: boolean; hasPasscode: boolean; keepChat: boolean };

describe('the host', () => {
  it('is whoever opens the meeting; everyone sees who it is', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    expect(ada.reply.self).toMatchObject({ host: true });
    expect(room(ada.reply)).toEqual({
      hostId: ada.id,
      locked: false,
      waitingRoom: false,
      hasPasscode: false,
      keepChat: false,
      files: { maxBytes: FILE_LIMITS.maxFileBytes, capBytes: FILE_LIMITS.maxFileBytes },
    });
    const bob = await joined(server.url, { name: 'Bob' });
    expect(bob.reply.self).toMatchObject({ host: false });
    expect(bob.reply.participants).toEqual([expect.objectContaining({ id: ada.id, host: true })]);
  });

  it('refuses every host-only event from a guest, and nothing changes', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const adaHears = [
      ...['host-notice', 'sent-away', 'participant-left', 'meeting-ended', 'room-settings', 'participant-updated'].map((e) => record(ada.socket, e)),
    ];
    const before = server.signaling.registry.snapshot();
    const payloads: Record<(typeof HOST_EVENTS)[number], unknown> = {
      'host-settings': { locked: true, waitingRoom: true, passcode: 'hunter22' },
      admit: { id: ada.id },
      'admit-all': {},
      deny: { id: ada.id },
      'ask-unmute': { id: ada.id },
      mute: { id: ada.id },
      'stop-video': { id: ada.id },
      remove: { id: ada.id },
      'make-host': { id: bob.id },
      'end-meeting': {},
      unban: { id: ada.id },
    };
    for (const event of HOST_EVENTS) {
      const reply = await request(bob.socket, event, payloads[event]);
      expect(reply, event).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(reply.error?.message).toMatch(/^only the host can /);
    }
    await settle(300);
    expect(server.signaling.registry.snapshot()).toEqual(before);
    expect(adaHears.flat()).toEqual([]);
    expect(ada.socket.connected).toBe(true);
    // The meeting is still open to newcomers: nothing got locked.
    expect((await joined(server.url, { name: 'Cy' })).reply.ok).toBe(true);
  });

  it('keeps the role through their own reconnect, and hands it on when they leave', async () => {
    const hostJoin = joinRequest({ name: 'Ada' });
    const first = await connectClient(server.url);
    const reply = await request(first, 'join', hostJoin);
    const adaId = (reply.self as { id: string }).id;
    const bob = await joined(server.url, { name: 'Bob' });
    const cy = await joined(server.url, { name: 'Cy' });
    first.disconnect();
    await settle(200);
    // While the host is away, a guest still cannot act as host.
    expect(await request(bob.socket, 'host-settings', { locked: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const again = await connectClient(server.url);
    const back = await request(again, 'join', hostJoin);
    expect(back.self).toMatchObject({ id: adaId, host: true });
    expect(await request(again, 'host-settings', { locked: true })).toMatchObject({ ok: true, room: { locked: true } });

    const promoted = nextEvent<{ hostId: string }>(bob.socket, 'room-settings');
    expect(await request(again, 'leave', {})).toEqual({ ok: true });
    expect((await promoted).hostId).toBe(bob.id);
    expect(await request(bob.socket, 'host-settings', { locked: false })).toMatchObject({ ok: true });
    void cy;
  });

  it('hands the role to someone else on request', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const told = nextEvent<{ id: string; host: boolean }>(ada.socket, 'participant-updated');
    expect(await request(ada.socket, 'make-host', { id: bob.id })).toEqual({ ok: true });
    expect(await told).toMatchObject({ host: expect.any(Boolean) });
    expect(await request(ada.socket, 'mute', { id: bob.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(bob.socket, 'mute', { id: ada.id })).toEqual({ ok: true });
  });
});

describe('host controls', () => {
  it('mutes someone, stops their video, asks them to unmute: they are told, everyone sees it', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const cy = await joined(server.url, { name: 'Cy' });
    const notice = nextEvent(bob.socket, 'host-notice');
    const seen = nextEvent<{ id: string; media: unknown }>(cy.socket, 'participant-updated');
    expect(await request(ada.socket, 'mute', { id: bob.id })).toEqual({ ok: true });
    expect(await notice).toEqual({ kind: 'muted', by: 'Ada' });
    expect(await seen).toMatchObject({ id: bob.id, media: { audio: false, video: true } });

    const video = nextEvent(bob.socket, 'host-notice');
    await request(ada.socket, 'stop-video', { id: bob.id });
    expect(await video).toEqual({ kind: 'video-stopped', by: 'Ada' });
    const ask = nextEvent(bob.socket, 'host-notice');
    await request(ada.socket, 'ask-unmute', { id: bob.id });
    expect(await ask).toEqual({ kind: 'ask-unmute', by: 'Ada' });
    expect(await request(ada.socket, 'mute', { id: 'nobody-here-0' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('removes someone, who stays out (reconnect, lock or not) until the host lets them back', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bobJoin = joinRequest({ name: 'Bob' });
    const bobSocket = await connectClient(server.url);
    const bobReply = await request(bobSocket, 'join', bobJoin);
    const bobId = (bobReply.self as { id: string }).id;
    await request(ada.socket, 'host-settings', { locked: true });
    const away = nextEvent(bobSocket, 'sent-away');
    const left = nextEvent(ada.socket, 'participant-left');
    const bans = nextEvent<{ banned: Array<{ id: string; name: string }> }>(ada.socket, 'ban-list');
    expect(await request(ada.socket, 'remove', { id: bobId })).toEqual({ ok: true });
    expect(await away).toEqual({ reason: 'removed', code: 'removed', by: 'Ada', message: 'Ada removed you from the meeting.' });
    expect(await left).toEqual({ id: bobId, reason: 'removed' });
    expect((await bans).banned).toEqual([expect.objectContaining({ id: bobId, name: 'Bob' })]);
    await settle(400);
    expect(bobSocket.connected).toBe(false);

    const retry = await connectClient(server.url);
    expect(await request(retry, 'join', bobJoin)).toMatchObject({ ok: false, error: { code: 'banned' } });
    expect(await request(retry, 'join', joinRequest({ name: 'Newcomer' }))).toMatchObject({ ok: false, error: { code: 'locked' } });
    // Unlocking lets newcomers in, not him.
    await request(ada.socket, 'host-settings', { locked: false });
    expect(await request(retry, 'join', bobJoin)).toMatchObject({ ok: false, error: { code: 'banned' } });
    expect(server.signaling.registry.members('standup').map((m) => m.id)).toEqual([ada.id]);
    expect(await request(ada.socket, 'unban', { id: bobId })).toEqual({ ok: true });
    expect(await request(retry, 'join', bobJoin)).toMatchObject({ ok: true, self: { id: bobId } });
  });

  it('lets members who only lost their connection back into a locked meeting', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bobJoin = joinRequest({ name: 'Bob' });
    const first = await connectClient(server.url);
    await request(first, 'join', bobJoin);
    await request(ada.socket, 'host-settings', { locked: true });
    first.disconnect();
    await settle(200);
    const again = await connectClient(server.url);
    expect(await request(again, 'join', bobJoin)).toMatchObject({ ok: true });
  });

  it('ends the meeting for everyone', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const ended = nextEvent(bob.socket, 'meeting-ended');
    expect(await request(ada.socket, 'end-meeting', {})).toEqual({ ok: true });
    expect(await ended).toEqual({ reason: 'ended-by-host', code: 'ended-by-host', message: 'The host ended the meeting for everyone.' });
  });
});

describe('the waiting room', () => {
  it('holds newcomers until the host lets them in or turns them away', async () => {
    const ada = await joined(server.url, { name: 'Ada', create: { waitingRoom: true } });
    expect(room(ada.reply).waitingRoom).toBe(true);

    const list = nextEvent<{ waiting: Array<{ id: string; name: string; since: number }> }>(ada.socket, 'waiting-list');
    const guest = await connectClient(server.url);
    const guestReply = await request(guest, 'join', joinRequest({ name: 'Guest' }));
    expect(guestReply).toEqual({ ok: true, waiting: true });
    const waiting = (await list).waiting;
    expect(waiting).toEqual([{ id: expect.any(String), name: 'Guest', since: clock }]);
    // Not in the meeting yet: cannot chat or signal, and nobody was told they joined.
    expect(await request(guest, 'chat-send', { id: 'early-message', text: 'hi' })).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
    expect(server.signaling.registry.members('standup').map((m) => m.name)).toEqual(['Ada']);

    const admitted = nextEvent<{ self: { name: string }; participants: unknown[] }>(guest, 'admitted');
    const joinedNotice = nextEvent<{ name: string }>(ada.socket, 'participant-joined');
    expect(await request(ada.socket, 'admit', { id: waiting[0]!.id })).toEqual({ ok: true });
    expect((await admitted).self.name).toBe('Guest');
    expect((await joinedNotice).name).toBe('Guest');

    const other = await connectClient(server.url);
    const otherList = nextEvent<{ waiting: Array<{ id: string }> }>(ada.socket, 'waiting-list');
    await request(other, 'join', joinRequest({ name: 'Mallory' }));
    const mallory = (await otherList).waiting[0]!;
    const turnedAway = nextEvent(other, 'sent-away');
    expect(await request(ada.socket, 'deny', { id: mallory.id })).toEqual({ ok: true });
    expect(await turnedAway).toEqual({ reason: 'denied', code: 'denied', message: 'The host did not let you into the meeting.' });
    await settle(400);
    expect(other.connected).toBe(false);
  });

  it('sends whoever waits away, saying the meeting ended, when the host ends it', async () => {
    const ada = await joined(server.url, { name: 'Ada', create: { waitingRoom: true } });
    const list = nextEvent(ada.socket, 'waiting-list');
    const guest = await connectClient(server.url);
    expect(await request(guest, 'join', joinRequest({ name: 'Guest' }))).toEqual({ ok: true, waiting: true });
    await list;
    const away = nextEvent(guest, 'sent-away');
    expect(await request(ada.socket, 'end-meeting', {})).toEqual({ ok: true });
    expect(await away).toEqual({ reason: 'denied', code: 'meeting-ended', message: 'The meeting ended before the host let you in.' });
  });

  it('lets everyone in at once, and turning the waiting room off admits whoever waits', async () => {
    const ada = await joined(server.url, { name: 'Ada', create: { waitingRoom: true } });
    const guests = [await connectClient(server.url), await connectClient(server.url), await connectClient(server.url)];
    for (const [i, guest] of guests.entries()) await request(guest, 'join', joinRequest({ name: `Guest ${i}` }));
    const admitted = guests.slice(0, 2).map((g) => nextEvent(g, 'admitted'));
    // Two leave the queue in order: "admit all" lets in whoever is still there.
    await request(guests[2]!, 'leave', {});
    expect(await request(ada.socket, 'admit-all', {})).toEqual({ ok: true });
    await Promise.all(admitted);
    expect(server.signaling.registry.members('standup')).toHaveLength(3);

    const late = await connectClient(server.url);
    await request(late, 'join', joinRequest({ name: 'Late' }));
    const lateIn = nextEvent(late, 'admitted');
    await request(ada.socket, 'host-settings', { waitingRoom: false });
    await lateIn;
  });
});

describe('passcodes', () => {
  it('keeps out wrong passcodes with a clear message, lets the right one in, and slows guessing down', async () => {
    const ada = await joined(server.url, { name: 'Ada', create: { passcode: 'open sesame' } });
    expect(room(ada.reply).hasPasscode).toBe(true);
    const guest = await connectClient(server.url);
    expect(await request(guest, 'join', joinRequest({ name: 'Guest' }))).toMatchObject({
      ok: false,
      error: { code: 'passcode-required', message: 'this meeting needs a passcode' },
    });
    const wrong = await request(guest, 'join', joinRequest({ name: 'Guest', passcode: 'open says me' }));
    expect(wrong).toMatchObject({ ok: false, error: { code: 'passcode-wrong' } });
    expect(wrong.error?.message).toMatch(/^wrong passcode/);

    // A guesser is made to wait, longer after every miss; even the right passcode waits its turn.
    expect(await request(guest, 'join', joinRequest({ name: 'Guest', passcode: 'open sesame' }))).toMatchObject({ ok: false, error: { code: 'rate-limited' } });
    clock += 1_000;
    expect(await request(guest, 'join', joinRequest({ name: 'Guest', passcode: 'guess 2' }))).toMatchObject({ ok: false, error: { code: 'passcode-wrong' } });
    clock += 1_000;
    const limited = await request(guest, 'join', joinRequest({ name: 'Guest', passcode: 'guess 3' }));
    expect(limited).toMatchObject({ ok: false, error: { code: 'rate-limited' } });
    expect(limited.error?.message).toMatch(/try again in 1 s/);
    clock += 1_000;
    expect(await request(guest, 'join', joinRequest({ name: 'Guest', passcode: 'guess 3' }))).toMatchObject({ ok: false, error: { code: 'passcode-wrong' } });
    expect(await request(guest, 'join', joinRequest({ name: 'Guest', passcode: 'open sesame' }))).toMatchObject({
      ok: false,
      error: { code: 'rate-limited', message: expect.stringMatching(/try again in 4 s/) },
    });
    clock += 4_000;
    expect(await request(guest, 'join', joinRequest({ name: 'Guest', passcode: 'open sesame' }))).toMatchObject({ ok: true, self: { name: 'Guest' } });
  });

  it('the host can set, change and remove it; everyone sees whether there is one', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const seen = nextEvent<{ hasPasscode: boolean }>(bob.socket, 'room-settings');
    expect(await request(ada.socket, 'host-settings', { passcode: 'letmein1' })).toMatchObject({ ok: true, room: { hasPasscode: true } });
    expect((await seen).hasPasscode).toBe(true);
    const guest = await connectClient(server.url);
    expect(await request(guest, 'join', joinRequest({ passcode: 'letmein1' }))).toMatchObject({ ok: true });
    expect(await request(ada.socket, 'host-settings', { passcode: 'abc' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await request(ada.socket, 'host-settings', { passcode: null })).toMatchObject({ ok: true, room: { hasPasscode: false } });
    expect(await request(ada.socket, 'host-settings', {})).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});
