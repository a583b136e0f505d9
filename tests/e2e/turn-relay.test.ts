import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { ICE_WATCH } from './support/fault-probes';
import { meetingUrl, selfId, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { startTurnServer, type TurnServer } from './support/turn-server';

/**
 * Across the internet, media goes through a TURN relay. The meeting server is told the relay's
 * URL and shared secret (as `--turn-urls` / `ROUNDTABLE_TURN_SECRET` tell the CLI) and gives each
 * participant credentials of their own at join; here both participants use `relay=1` (media only
 * through the relay), so they can see each other only if real coturn accepted those credentials.
 */
let turn: TurnServer;
let server: MeetingServer;

beforeAll(async () => {
  turn = await startTurnServer();
  server = await startMeetingServer({ ice: { turn: { urls: [turn.url], secret: turn.secret } } });
});

afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
  await turn?.stop();
});

/** The candidate types (local/remote) of every connected connection's selected pair. */
const SELECTED_PAIRS = `(async () => {
  const out = [];
  for (const pc of window.__rtIce.connections) {
    if (pc.connectionState !== 'connected') continue;
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
      const pair = stats.get(s.selectedCandidatePairId);
      out.push({ local: stats.get(pair.localCandidateId).candidateType, remote: stats.get(pair.remoteCandidateId).candidateType });
    });
  }
  return out;
})()`;

describe('a meeting through a TURN relay', () => {
  it('hands each participant TURN credentials that coturn accepts: relay-only participants see each other', async () => {
    const join = async (name: string, color: 'red' | 'green'): Promise<{ page: Page; id: string }> => {
      const { page } = await launchParticipant({ color });
      await page.addInitScript(ICE_WATCH);
      await page.goto(`${meetingUrl(server.url, 'relayed', name)}&relay=1`);
      return { page, id: await selfId(page) };
    };
    const ada = await join('Ada', 'red');
    const bob = await join('Bob', 'green');
    await waitForRemoteTiles(ada.page, [bob.id], 30_000);
    await waitForRemoteTiles(bob.page, [ada.id], 30_000);
    expect(await waitForTileColor(ada.page, bob.id, 'green', 30_000)).toBe('green');
    expect(await waitForTileColor(bob.page, ada.id, 'red', 30_000)).toBe('red');

    // The media really went through the relay: both ends of the pair in use are relay candidates.
    for (const page of [ada.page, bob.page]) {
      const pairs = (await page.evaluate(SELECTED_PAIRS)) as Array<{ local: string; remote: string }>;
      expect(pairs.length).toBeGreaterThan(0);
      for (const pair of pairs) expect(pair).toEqual({ local: 'relay', remote: 'relay' });
    }
    expect(turn.allocations()).toBeGreaterThanOrEqual(2);
  });
});
