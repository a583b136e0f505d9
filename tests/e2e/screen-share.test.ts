import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { joinMeeting, looksLikeFakeScreen, peerStats, seesShare, tile, tileRgb, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';

let server: MeetingServer;
let ada: Participant;
let bob: Participant;
let adaId: string;
let bobId: string;
beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startMeetingServer();
  // Ada's screen at the size the app asks for (1920x1080); the others' smaller (chromium.ts).
  ada = await launchParticipant({ color: 'red', screenSize: null });
  bob = await launchParticipant({ color: 'blue' });
  adaId = await joinMeeting(ada.page, server.url, 'share', 'Ada');
  bobId = await joinMeeting(bob.page, server.url, 'share', 'Bob');
  await waitForRemoteTiles(bob.page, [adaId]);
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

/** How many media sections `page`'s connection to `participantId` negotiated (slots.ts: one per slot). */
function mediaSections(page: Page, participantId: string): Promise<number | null> {
  return page.evaluate(`window.roundtable.link(${JSON.stringify(participantId)}).then((link) => link && link.mediaSections)`);
}

describe('screen sharing', () => {
  it('shows the share as its own large tile, first, while the camera and sound go on', async () => {
    // Joining negotiates the microphone and the camera only; the first share adds its slots.
    expect(await mediaSections(ada.page, bobId)).toBe(2);
    const audioBefore = (await peerStats(bob.page, adaId))!.audio.packetsReceived;
    await ada.page.getByTestId('screen-toggle').click();
    await expect.poll(() => ada.page.getByTestId('sharing-bar').isVisible()).toBe(true);
    const share = tile(bob.page, `${adaId}:screen`);
    await share.waitFor({ timeout: 20_000 });
    await expect.poll(async () => looksLikeFakeScreen(await tileRgb(bob.page, `${adaId}:screen`)), { timeout: 20_000 }).toBe(true);
    expect(await share.getAttribute('data-kind')).toBe('screen');
    // At the screen's own resolution: text on it stays readable.
    await expect
      .poll(() => share.locator('video').evaluate((v: HTMLVideoElement) => `${v.videoWidth}x${v.videoHeight}`), { timeout: 10_000 })
      .toBe('1920x1080');

    // The share takes the stage: the biggest tile, placed first.
    const shareBox = (await share.boundingBox())!;
    const cameraBox = (await tile(bob.page, adaId).boundingBox())!;
    expect(shareBox.width).toBeGreaterThan(cameraBox.width * 3);
    expect(await bob.page.getByTestId('stage').getAttribute('data-layout')).toBe('speaker');

    // Ada's camera and microphone were not interrupted.
    expect(await waitForTileColor(bob.page, adaId, 'red')).toBe('red');
    await expect.poll(async () => (await peerStats(bob.page, adaId))!.audio.packetsReceived).toBeGreaterThan(audioBefore + 20);
    await bob.page.screenshot({ path: `${SCREENSHOT_DIR}/screen-share.png` });
  });

  it('stopping the share removes its tile and brings the layout back', async () => {
    await ada.page.getByTestId('stop-sharing').click();
    await expect.poll(() => tile(bob.page, `${adaId}:screen`).count()).toBe(0);
    await expect.poll(() => bob.page.getByTestId('stage').getAttribute('data-layout')).toBe('grid');
    expect(await ada.page.getByTestId('sharing-bar').count()).toBe(0);
    expect(await waitForTileColor(bob.page, adaId, 'red')).toBe('red');
    expect(await waitForTileColor(ada.page, bobId, 'blue')).toBe('blue');
  });

  it('Bob, who answered Ada, shares on the slots her share added; Ada shares again', async () => {
    const sections = await mediaSections(ada.page, bobId);
    expect(sections).toBeGreaterThan(2);
    await bob.page.getByTestId('screen-toggle').click();
    expect(await seesShare(ada.page, bobId)).toBe(true);
    await bob.page.getByTestId('stop-sharing').click();
    await expect.poll(() => tile(ada.page, `${bobId}:screen`).count()).toBe(0);

    await ada.page.getByTestId('screen-toggle').click();
    expect(await seesShare(bob.page, adaId)).toBe(true);
    await ada.page.getByTestId('stop-sharing').click();
    await expect.poll(() => tile(bob.page, `${adaId}:screen`).count()).toBe(0);
    // Sharing again took no new slots.
    expect(await mediaSections(ada.page, bobId)).toBe(sections);
    expect(await mediaSections(bob.page, adaId)).toBe(sections);
  });

  it("two who start sharing at the same moment each see the other's share, and a newcomer sees both, one with the camera off", async () => {
    const adaInTwo = await joinMeeting(ada.page, server.url, 'share-both', 'Ada');
    const bobInTwo = await joinMeeting(bob.page, server.url, 'share-both', 'Bob');
    await waitForRemoteTiles(ada.page, [bobInTwo]);
    await waitForRemoteTiles(bob.page, [adaInTwo]);
    await Promise.all([ada.page.getByTestId('screen-toggle').click(), bob.page.getByTestId('screen-toggle').click()]);
    expect(await seesShare(ada.page, bobInTwo)).toBe(true);
    expect(await seesShare(bob.page, adaInTwo)).toBe(true);
    // One slot pair on each side, whichever offer won.
    expect(await mediaSections(ada.page, bobInTwo)).toBe(await mediaSections(bob.page, adaInTwo));
    expect(await mediaSections(ada.page, bobInTwo)).toBeLessThanOrEqual(4);

    // Cy's first offer has only her microphone and camera; both shares reach her all the same,
    // Bob's too with his camera off (his camera slot, never sent on yet, keeps out of the share's).
    await bob.page.getByTestId('camera-toggle').click();
    await expect.poll(() => bob.page.getByTestId('camera-toggle').getAttribute('aria-pressed')).toBe('true');
    const cy = await launchParticipant({ color: 'green' });
    await joinMeeting(cy.page, server.url, 'share-both', 'Cy');
    expect(await seesShare(cy.page, adaInTwo)).toBe(true);
    expect(await seesShare(cy.page, bobInTwo)).toBe(true);
    expect(await waitForTileColor(cy.page, adaInTwo, 'red')).toBe('red');
  });
});
