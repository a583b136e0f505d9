import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeClients, connectClient, joined, nextEvent, record, request, settle, startServer, type TestServer } from './harness.js';

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

describe('chat', () => {
  it('posts a message to the room with sender, time and order, and acknowledges it', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const bobSees = nextEvent(bob.socket, 'chat-message');
    const reply = await request(ada.socket, 'chat-send', { id: 'msg-00000001', text: '  hello 👋 https://example.org  ' });
    expect(reply).toMatchObject({ ok: true, message: { id: 'msg-00000001', seq: 1, from: { id: ada.id, name: 'Ada' }, text: 'hello 👋 https://example.org' } });
    expect(await bobSees).toEqual(reply.message);
  });

  it('stores a resent message once and posts it once', async () => {
    const ada = await joined(server.url);
    const bob = await joined(server.url);
    const seen = record(bob.socket, 'chat-message');
    const first = await request(ada.socket, 'chat-send', { id: 'resend-0001', text: 'once' });
    const again = await request(ada.socket, 'chat-send', { id: 'resend-0001', text: 'once' });
    expect(again).toEqual(first);
    await settle();
    expect(seen).toHaveLength(1);
  });

  it('refuses a message id that belongs to someone else, empty or oversized text, and chat before joining', async () => {
    const ada = await joined(server.url);
    const bob = await joined(server.url);
    await request(ada.socket, 'chat-send', { id: 'taken-00001', text: 'mine' });
    expect(await request(bob.socket, 'chat-send', { id: 'taken-00001', text: 'stolen' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await request(bob.socket, 'chat-send', { id: 'empty-00001', text: '   ' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await request(bob.socket, 'chat-send', { id: 'big-0000001', text: 'x'.repeat(2001) })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(await request(bob.socket, 'chat-send', { id: 'ctl-0000001', text: 'bell\u0007' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const stranger = await connectClient(server.url);
    expect(await request(stranger, 'chat-send', { id: 'nobody-0001', text: 'hi' })).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
    const history = await request(ada.socket, 'chat-history', { limit: 10 });
    expect((history.messages as Array<{ text: string }>).map((m) => m.text)).toEqual(['mine']);
  });

  it('gives a late joiner the history, newest page first, older pages on request', async () => {
    const ada = await joined(server.url, { room: 'history' });
    for (let i = 1; i <= 25; i += 1) {
      clock += 1000; // within the chat rate
      await request(ada.socket, 'chat-send', { id: `history-${String(i).padStart(4, '0')}`, text: `message ${i}` });
    }
    const late = await joined(server.url, { room: 'history' });
    const newest = await request(late.socket, 'chat-history', { limit: 10 });
    expect(newest.hasMore).toBe(true);
    const texts = (newest.messages as Array<{ text: string; seq: number }>).map((m) => m.text);
    expect(texts).toEqual(Array.from({ length: 10 }, (_, i) => `message ${16 + i}`));
    const older = await request(late.socket, 'chat-history', { before: 16, limit: 10 });
    expect((older.messages as Array<{ seq: number }>).map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const oldest = await request(late.socket, 'chat-history', { before: 6, limit: 10 });
    expect(oldest).toMatchObject({ ok: true, hasMore: false });
    expect((oldest.messages as unknown[]).length).toBe(5);
    const elsewhere = await joined(server.url, { room: 'other-room' });
    expect(await request(elsewhere.socket, 'chat-history', { limit: 10 })).toMatchObject({ messages: [], hasMore: false });
  });
});

describe('raised hands and reactions', () => {
  it('keeps hands in the order they were raised, and lowering clears the place', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const adaUp = nextEvent<{ id: string; hand: number | null }>(bob.socket, 'participant-updated');
    await request(ada.socket, 'raise-hand', { raised: true });
    const first = await adaUp;
    expect(first).toMatchObject({ id: ada.id, hand: expect.any(Number) });
    await settle(5);
    const bobUp = nextEvent<{ id: string; hand: number | null }>(ada.socket, 'participant-updated');
    await request(bob.socket, 'raise-hand', { raised: true });
    expect((await bobUp).hand).toBeGreaterThanOrEqual(first.hand!);
    const quiet = record(bob.socket, 'participant-updated');
    await request(ada.socket, 'raise-hand', { raised: true });
    await settle();
    expect(quiet).toEqual([]);
    const down = nextEvent<{ hand: number | null }>(bob.socket, 'participant-updated');
    await request(ada.socket, 'raise-hand', { raised: false });
    expect((await down).hand).toBeNull();
  });

  it('sends reactions to everyone, and limits how many', async () => {
    const ada = await joined(server.url);
    const bob = await joined(server.url);
    const seen = nextEvent(bob.socket, 'reaction');
    expect(await request(ada.socket, 'react', { emoji: '🎉' })).toEqual({ ok: true });
    expect(await seen).toMatchObject({ from: ada.id, emoji: '🎉' });
    expect(await request(ada.socket, 'react', { emoji: '💩' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const replies = [];
    for (let i = 0; i < 8; i += 1) replies.push(await request(ada.socket, 'react', { emoji: '👍' }));
    expect(replies.filter((r) => !r.ok).map((r) => r.error?.code)).toContain('rate-limited');
  });
});

describe('recording notices', () => {
  it('tells everyone, newcomers included, who is recording', async () => {
    const ada = await joined(server.url, { name: 'Ada' });
    const bob = await joined(server.url, { name: 'Bob' });
    const told = nextEvent<{ id: string; recording: boolean }>(bob.socket, 'participant-updated');
    expect(await request(ada.socket, 'recording', { active: true })).toEqual({ ok: true });
    expect(await told).toMatchObject({ id: ada.id, recording: true });
    const late = await joined(server.url);
    expect(late.reply.participants).toContainEqual(expect.objectContaining({ id: ada.id, recording: true }));
    expect(await request(ada.socket, 'recording', { active: 'yes' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});
