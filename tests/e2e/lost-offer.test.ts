import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { meetingUrl, selfId, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';

/**
 * An offer can be lost: it was relayed into a connection of the other side's that was already
 * dying (its app froze, its network dropped) before the server noticed. The one who sent it waits
 * for an answer; the other, not knowing of it, offers itself a little later. If the first is the
 * impolite side of perfect negotiation, it would ignore that offer (glare: "they will answer mine")
 * and the two would wait for each other forever. Here Bob's page loses the first offer Ada sends
 * him, and Ada is the impolite one (the smaller id): they must still end up seeing each other.
 */
let server: MeetingServer;
beforeAll(async () => {
  server = await startMeetingServer();
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

/** The server's id for a secret (signaling-server/src/rooms/identity.ts). */
const idOf = (secret: string): string => createHash('sha256').update(`roundtable/participant/${secret}`).digest('base64url').slice(0, 16);
const newSecret = (): string => randomBytes(24).toString('base64url');

/** Before the app: the participant's secret for every meeting is `secret` (so their id is known). */
const useSecret = (secret: string): string => `(() => {
  const get = Storage.prototype.getItem;
  Storage.prototype.getItem = function (key) { return String(key).startsWith('roundtable.secret:') ? ${JSON.stringify(secret)} : get.call(this, key); };
})();`;

/** Before the app: the first offer or answer relayed to this page never reaches the app. */
const LOSE_FIRST_DESCRIPTION = `(() => {
  const Native = window.WebSocket;
  window.__lost = 0;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (window.__lost === 0 && typeof event.data === 'string' && /^42\\["signal",\\{"from":"[^"]+","kind":"description"/.test(event.data)) {
          window.__lost += 1;
          event.stopImmediatePropagation();
        }
      });
    }
  };
})();`;

describe('an offer that never arrived', () => {
  it('does not leave two people waiting for each other: they connect anyway', async () => {
    // Ada (the newcomer, who offers) must be the impolite side: the smaller id.
    let ada = newSecret();
    let bob = newSecret();
    while (idOf(ada) >= idOf(bob)) [ada, bob] = [newSecret(), newSecret()];

    const bobPage: Page = (await launchParticipant({ color: 'green' })).page;
    await bobPage.addInitScript(useSecret(bob));
    await bobPage.addInitScript(LOSE_FIRST_DESCRIPTION);
    await bobPage.goto(meetingUrl(server.url, 'lost', 'Bob'));
    expect(await selfId(bobPage)).toBe(idOf(bob));

    const adaPage: Page = (await launchParticipant({ color: 'red' })).page;
    await adaPage.addInitScript(useSecret(ada));
    await adaPage.goto(meetingUrl(server.url, 'lost', 'Ada'));
    expect(await selfId(adaPage)).toBe(idOf(ada));

    await waitForRemoteTiles(adaPage, [idOf(bob)]);
    await waitForRemoteTiles(bobPage, [idOf(ada)]);
    expect(await waitForTileColor(adaPage, idOf(bob), 'green', 20_000)).toBe('green');
    expect(await waitForTileColor(bobPage, idOf(ada), 'red', 20_000)).toBe('red');
    expect(await bobPage.evaluate('window.__lost')).toBe(1);
  });
});
