import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../signaling-server/src/store/sqlite-store';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { chatMessages, joinMeeting, openChat, typeChatMessages, waitForRemoteTiles } from './support/meeting-page';
import { startServerProcess, type ServerProcess } from './support/server-process';

let server: ServerProcess | undefined;
afterAll(async () => {
  await closeAllParticipants();
  await server?.kill();
});

// Within the server's chat pace (a burst of 30, then 5 a second): the outbox keeps what it refuses
// as too fast and sends it again.
const BEFORE = 40;
const DURING = 40;
const AFTER = 40;
const text = (i: number): string => `message ${String(i).padStart(3, '0')}`;

describe('chat when the server is killed', () => {
  it('loses nothing and shows nothing twice when the server is killed with SIGKILL and restarted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rt-chat-e2e-'));
    const db = join(dataDir, 'chat.db');
    server = await startServerProcess(0, dataDir);
    const port = server.port;
    const ada = await launchParticipant({ color: 'red' });
    const bob = await launchParticipant({ color: 'green' });
    const adaId = await joinMeeting(ada.page, server.url, 'durable', 'Ada');
    const bobId = await joinMeeting(bob.page, server.url, 'durable', 'Bob');
    await waitForRemoteTiles(ada.page, [bobId]);
    await openChat(ada.page);
    await openChat(bob.page);

    const batch = (from: number, count: number): string[] => Array.from({ length: count }, (_, n) => text(from + n));
    await typeChatMessages(ada.page, batch(0, BEFORE));
    await server.kill();
    // The server is down: Ada keeps writing; her messages wait in the outbox.
    await typeChatMessages(ada.page, batch(BEFORE, DURING));
    await expect.poll(() => ada.page.locator('[data-testid="chat-message"][data-status="sending"]').count()).toBeGreaterThan(0);
    server = await startServerProcess(port, dataDir);
    await typeChatMessages(ada.page, batch(BEFORE + DURING, AFTER));

    const expected = Array.from({ length: BEFORE + DURING + AFTER }, (_, n) => text(n));
    for (const page of [ada.page, bob.page]) {
      await expect.poll(async () => (await chatMessages(page)).filter((m) => m.status === 'sent').map((m) => m.text), { timeout: 30_000 }).toEqual(expected);
      const shown = await chatMessages(page);
      expect(new Set(shown.map((m) => m.id)).size).toBe(shown.length);
      expect(shown).toHaveLength(expected.length);
    }
    // The call itself went on peer to peer, and both are back in the meeting.
    await waitForRemoteTiles(bob.page, [adaId]);

    await server.kill();
    const store = await SqliteStore.open(db);
    try {
      // The meeting was running when the server was killed: its record is there, with its chat.
      const [meeting, ...others] = await store.loadMeetings();
      expect(others).toEqual([]);
      expect(meeting).toMatchObject({ code: 'durable', state: 'live' });
      const everything = [];
      for (let before: number | undefined; ;) {
        const page = await store.chatPage(meeting!.instance, { limit: 100, ...(before ? { before } : {}) });
        everything.unshift(...page.messages);
        if (!page.hasMore) break;
        before = page.messages[0]!.seq;
      }
      expect(everything.map((m) => m.text)).toEqual(expected);
      expect(everything.map((m) => m.seq)).toEqual(expected.map((_, n) => n + 1));
    } finally {
      await store.close();
    }
  });
});
