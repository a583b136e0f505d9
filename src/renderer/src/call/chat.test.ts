import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@roundtable/signaling-server/protocol';
import { ChatController } from './chat';
import { Emitter } from './emitter';
import type { SignalingClient } from './signaling-client';

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
