import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { meetingUrl } from './support/meeting-page';

/**
 * Clicking "Join now" turns the pre-join screen into the meeting. Your camera preview becomes your
 * own tile: the same player moves over, still playing, rather than a new one starting up (which
 * costs the page tens of ms right while the first call connects, and shows the placeholder meanwhile).
 */
let server: MeetingServer;
beforeAll(async () => {
  server = await startMeetingServer();
});
afterEach(closeAllParticipants);
afterAll(async () => {
  await server?.close();
});

describe('joining', () => {
  it('the camera preview becomes your own tile, still playing', async () => {
    const ada = await launchParticipant({ color: 'red' });
    await ada.page.goto(meetingUrl(server.url, 'transition', 'Ada', false));
    await ada.page.locator('[data-testid="preview"] video[data-showing="true"]').waitFor();
    await ada.page.locator('[data-testid="join-button"]:enabled').waitFor();
    // Note the preview's element, then watch the own tile from the moment it appears.
    await ada.page.evaluate(() => {
      const state = window as unknown as { preview: Element | null; selfTile: { sameElement: boolean; playing: boolean; showing: string | null } | null };
      state.preview = document.querySelector('[data-testid="preview"] video');
      state.selfTile = null;
      const observer = new MutationObserver(() => {
        const video = document.querySelector<HTMLVideoElement>('[data-testid="tile"][data-local="true"] video');
        if (!video) return;
        observer.disconnect();
        state.selfTile = { sameElement: video === state.preview, playing: !video.paused && video.readyState >= 2, showing: video.getAttribute('data-showing') };
      });
      observer.observe(document.body, { subtree: true, childList: true });
    });
    await ada.page.getByTestId('join-button').click();
    await expect
      .poll(() => ada.page.evaluate(() => (window as unknown as { selfTile: unknown }).selfTile))
      .toEqual({ sameElement: true, playing: true, showing: 'true' });
    // It is your tile now: mirrored, and playing on.
    const video = ada.page.locator('[data-testid="tile"][data-local="true"] video.mirrored');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => !v.paused && v.videoWidth > 0)).toBe(true);
  });
});
