import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@roundtable/signaling-server/protocol';
import { ChatController } from './chat';
import { Emitter } from './emitter';
import { SignalingError, type SignalingClient } from './signaling-client';

/** The part of the signaling client the chat uses: history pages on request, nothing to send. */
function fakeSignaling(history: ChatMessage[]): SignalingClient {
  const fake = {
    connected: false,
    events: new Emitter(),
    request: () => Promise.resolve({ messages: history, hasMore: false }),
  };
  return fake as unknown as SignalingClient;
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('ChatController', () => {
  // Each new state renders the meeting again, and the history comes just as the first call connects.
  it('an empty history on joining leaves the chat state as it was', async () => {
    const chat = new ChatController(fakeSignaling([]));
    const before = chat.state.get();
    let changes = 0;
    chat.state.subscribe(() => (changes += 1));
    await chat.synchronize({ id: 'self-id-1234', name: 'Ada' });
    await settle();
    expect(changes).toBe(0);
    expect(chat.state.get()).toBe(before);
  });

  it('a history with messages makes one new state with them', async () => {
    const message: ChatMessage = { id: 'message-0001', seq: 1, from: { id: 'other-id-1234', name: 'Bob' }, text: 'Hi', sentAt: 1000 };
    const chat = new ChatController(fakeSignaling([message]));
    let changes = 0;
    chat.state.subscribe(() => (changes += 1));
    await chat.synchronize({ id: 'self-id-1234', name: 'Ada' });
    await settle();
    expect(changes).toBe(1);
    expect(chat.state.get().messages.map((m) => m.text)).toEqual(['Hi']);
  });
});

describe('ChatController sending faster than the server allows', () => {
  it('keeps what the server refused as too fast, and sends it again in order: nothing fails, nothing is lost', async () => {
    const stored: ChatMessage[] = [];
    let tokens = 5;
    const refill = setInterval(() => (tokens = Math.min(5, tokens + 1)), 40);
    const fake = {
      connected: true,
      events: new Emitter(),
      request: (event: string, payload: { id: string; text: string; limit?: number }) => {
        if (event === 'chat-history') return Promise.resolve({ messages: [], hasMore: false });
        if (tokens < 1) return Promise.reject(new SignalingError('rate-limited', 'too fast'));
        tokens -= 1;
        const message: ChatMessage = { id: payload.id, seq: stored.length + 1, from: { id: 'self-id-1234', name: 'Ada' }, text: payload.text, sentAt: 1 };
        stored.push(message);
        return Promise.resolve({ message });
      },
    };
    try {
      const chat = new ChatController(fake as unknown as SignalingClient);
      await chat.synchronize({ id: 'self-id-1234', name: 'Ada' });
      const texts = Array.from({ length: 30 }, (_, i) => `message ${i}`);
      for (const text of texts) chat.send(text);
      await expect.poll(() => stored.length, { timeout: 10_000 }).toBe(30);
      expect(stored.map((m) => m.text)).toEqual(texts);
      await settle();
      expect(chat.state.get().messages.map((m) => [m.text, m.status])).toEqual(texts.map((text) => [text, 'sent']));
    } finally {
      clearInterval(refill);
    }
  });
});
