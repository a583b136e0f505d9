import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { meetingUrl, selfId, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { idOf, secretsWhere, tamperFirstDescription, useSecret } from './support/signal-tampering';

/**
 * Offers and answers can be lost: relayed into a connection of the other side's that was already
 * dying (its app froze, its network dropped) before the server noticed, or held up behind a busy
 * page. Whatever goes missing or comes late, two people must end up seeing each other.
 */
let server: MeetingServer;
beforeAll(async () => {
  server = await startMeetingServer();
});
afterEach(closeAllParticipants);
afterAll(async () => {
  await server?.close();
});

/** Bob is in the meeting; Ada joins (and so offers). Each page gets its init scripts first. */
async function meet(room: string, bobScripts: string[], adaScripts: string[]): Promise<{ ada: Page; bob: Page; adaId: string; bobId: string }> {
  const bob = (await launchParticipant({ color: 'green' })).page;
  for (const script of bobScripts) await bob.addInitScript(script);
  await bob.goto(meetingUrl(server.url, room, 'Bob'));
  const bobId = await selfId(bob);
  const ada = (await launchParticipant({ color: 'red' })).page;
  for (const script of adaScripts) await ada.addInitScript(script);
  await ada.goto(meetingUrl(server.url, room, 'Ada'));
  const adaId = await selfId(ada);
  await waitForRemoteTiles(ada, [bobId]);
  await waitForRemoteTiles(bob, [adaId]);
  return { ada, bob, adaId, bobId };
}

async function expectToSeeEachOther({ ada, bob, adaId, bobId }: { ada: Page; bob: Page; adaId: string; bobId: string }): Promise<void> {
  expect(await waitForTileColor(ada, bobId, 'green', 20_000), 'Ada sees Bob').toBe('green');
  expect(await waitForTileColor(bob, adaId, 'red', 20_000), 'Bob sees Ada').toBe('red');
}

describe('an offer or an answer that goes missing or comes late', () => {
  // If Ada is the impolite side of perfect negotiation, she would ignore the offer Bob makes when
  // hers never came (glare: "he will answer mine"), and the two would wait for each other forever.
  it('a lost offer: they connect anyway', async () => {
    const [ada, bob] = secretsWhere(true);
    const call = await meet('lost-offer', [useSecret(bob), tamperFirstDescription('lose')], [useSecret(ada)]);
    expect([call.adaId, call.bobId]).toEqual([idOf(ada), idOf(bob)]);
    await expectToSeeEachOther(call);
    expect(await call.bob.evaluate('window.__tampered')).toBe(1);
  });

  it('a lost answer: the offer goes again, is answered again, and they connect', async () => {
    const call = await meet('lost-answer', [], [tamperFirstDescription('lose')]);
    await expectToSeeEachOther(call);
    expect(await call.ada.evaluate('window.__tampered')).toBe(1);
  });

  // Bob offers himself when Ada's offer is slow to come: both offer at once, whoever is polite.
  it.each([
    ['the newcomer is the impolite side', true],
    ['the newcomer is the polite side', false],
  ])('a late offer (%s): both offer at once and still connect', async (_, adaImpolite) => {
    const [ada, bob] = secretsWhere(adaImpolite);
    const call = await meet(`late-offer-${String(adaImpolite)}`, [useSecret(bob), tamperFirstDescription('delay')], [useSecret(ada)]);
    await expectToSeeEachOther(call);
    expect(await call.bob.evaluate('window.__tampered')).toBe(1);
  });
});
