import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants } from './support/chromium';
import { AUDIO_START_WATCH, audioStarts } from './support/fault-probes';
import { startCall } from './support/fault-scenarios';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { idOf, loseCandidatesFor, secretsWhere, tamperFirstDescription, useSecret } from './support/signal-tampering';

/**
 * Offers, answers and candidates can be lost: relayed into a connection of the other side's that
 * was already dying (its app froze, its network dropped) before the server noticed, or held up
 * behind a busy page. Whatever goes missing or comes late, two people must end up seeing each other (startCall
 * waits for both pictures). Ada is in the meeting; Bob joins later, and so offers.
 */
let server: MeetingServer;
beforeAll(async () => {
  server = await startMeetingServer();
});
afterEach(closeAllParticipants);
afterAll(async () => {
  await server?.close();
});

/** Sets `window.__sawConnecting` once a tile visibly says "Connecting…". */
const SLOW_STATUS_WATCH = `(() => {
  window.__sawConnecting = false;
  const look = () => {
    for (const status of document.querySelectorAll('.tile-status')) {
      if (status.textContent === 'Connecting…' && getComputedStyle(status).visibility === 'visible') window.__sawConnecting = true;
    }
    if (!window.__sawConnecting) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();`;

const tampered = (page: { evaluate(script: string): Promise<unknown> }): Promise<unknown> => page.evaluate('window.__tampered');

describe('an offer, an answer or the candidates going missing or coming late', () => {
  // If Bob is the impolite side of perfect negotiation, he would ignore the offer Ada makes when his
  // never came (glare: "she will answer mine"), and the two would wait for each other forever.
  it('a lost offer: they connect anyway', async () => {
    const [bob, ada] = secretsWhere(true);
    const call = await startCall(
      'lost-offer',
      { url: server.url, initScripts: [useSecret(ada), tamperFirstDescription('lose')] },
      { url: server.url, initScripts: [useSecret(bob)] },
    );
    expect([call.ada.id, call.bob.id]).toEqual([idOf(ada), idOf(bob)]);
    expect(await tampered(call.ada.browser.page)).toBe(1);
  });

  it('a lost answer: the offer goes again, is answered again, and they connect', async () => {
    const call = await startCall('lost-answer', { url: server.url }, { url: server.url, initScripts: [tamperFirstDescription('lose')] });
    expect(await tampered(call.bob.browser.page)).toBe(1);
  });

  // Ada offers herself when Bob's offer is slow to come: both offer at once, whoever is polite.
  it.each([
    ['the newcomer is the impolite side', true],
    ['the newcomer is the polite side', false],
  ])('a late offer (%s): both offer at once and still connect', async (_, bobImpolite) => {
    const [bob, ada] = secretsWhere(bobImpolite);
    const call = await startCall(
      `late-offer-${String(bobImpolite)}`,
      { url: server.url, initScripts: [useSecret(ada), tamperFirstDescription('delay')] },
      { url: server.url, initScripts: [useSecret(bob)] },
    );
    expect(await tampered(call.ada.browser.page)).toBe(1);
  });

  // With no candidate from the other side, ICE waits forever and never says 'failed'.
  // For those seconds each has the other's tracks but no connection: neither starts the other's
  // sound until the connection is up (starting it blocks the page, see AudioSinks).
  it('every candidate lost, both ways: ICE restarts, gathers new ones, and they connect', async () => {
    const lose = loseCandidatesFor(3_000);
    const scripts = [lose, AUDIO_START_WATCH, SLOW_STATUS_WATCH];
    const call = await startCall('lost-candidates', { url: server.url, initScripts: scripts }, { url: server.url, initScripts: scripts });
    // A connection this slow says so on the tile.
    expect(await call.ada.browser.page.evaluate('window.__sawConnecting')).toBe(true);
    expect(await tampered(call.ada.browser.page)).toBeGreaterThan(0);
    expect(await tampered(call.bob.browser.page)).toBeGreaterThan(0);
    for (const page of [call.ada.browser.page, call.bob.browser.page]) {
      await expect.poll(() => audioStarts(page), { timeout: 5_000 }).not.toEqual([]);
      for (const states of await audioStarts(page)) expect(states).toEqual(['connected']);
    }
  });
});
