import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { meetingUrl, selfId, tile, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { arrive, type Person } from './support/people';
import { SCREENSHOT_DIR } from './support/paths';
import { delayJoinRequest } from './support/signal-tampering';

/** How long Ada's join request takes to leave her page (a slow network): long enough to change something meanwhile. */
const JOIN_DELAY_MS = 2_000;
const ROOM = 'slow-join';

let server: MeetingServer;
beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startMeetingServer();
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

const pressed = (page: Page, testId: string) => page.getByTestId(testId).getAttribute('aria-pressed');

describe('what the others see of a camera and microphone changed while joining', () => {
  it('Ada turns her camera on and unmutes while her join is on its way: Bob sees her video and no muted icon', async () => {
    const bob: Person = await arrive(server.url, ROOM, 'Bob', 'red');
    const ada = await launchParticipant({ color: 'blue' });
    await ada.page.addInitScript(delayJoinRequest(JOIN_DELAY_MS));
    await ada.page.goto(meetingUrl(server.url, ROOM, 'Ada', false));
    // On the pre-join screen, once her camera is open: camera off, muted.
    await expect.poll(() => pressed(ada.page, 'camera-toggle'), { timeout: 15_000 }).toBe('false');
    await ada.page.getByTestId('camera-toggle').click();
    await ada.page.getByTestId('mic-toggle').click();
    await expect.poll(() => pressed(ada.page, 'camera-toggle')).toBe('true');
    await expect.poll(() => pressed(ada.page, 'mic-toggle')).toBe('true');

    await ada.page.getByTestId('join-button').click();
    await ada.page.getByTestId('camera-toggle').click();
    await ada.page.getByTestId('mic-toggle').click();
    await expect.poll(() => pressed(ada.page, 'camera-toggle')).toBe('false');
    await expect.poll(() => pressed(ada.page, 'mic-toggle')).toBe('false');
    // All of that happened before the server answered her.
    expect(await ada.page.evaluate(() => (window as unknown as { roundtable: { selfId(): string | null } }).roundtable.selfId())).toBeNull();

    const adaId = await selfId(ada.page);
    await waitForRemoteTiles(bob.browser.page, [adaId]);
    expect(await waitForTileColor(bob.browser.page, adaId, 'blue', 15_000, ada.page), "Bob sees Ada's camera").toBe('blue');
    await expect.poll(() => tile(bob.browser.page, adaId).getAttribute('data-video')).toBe('on');
    expect(await tile(bob.browser.page, adaId).getByTestId('muted-icon').count(), 'Bob sees Ada unmuted').toBe(0);
    await bob.browser.page.screenshot({ path: `${SCREENSHOT_DIR}/join-media-state-bob.png` });
  });
});
