import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { cameraLook, PREVIEW_VIDEO, tileVideo } from './support/desktop-devices';
import { ICE_WATCH } from './support/fault-probes';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { joinMeeting, meetingUrl, selfId, waitForTileColor } from './support/meeting-page';
import { recordDescriptions, tamperFirstDescription } from './support/signal-tampering';

/**
 * The first offer is made while the newcomer is still on the pre-join screen: its connection,
 * transceivers and candidates are ready when they click "Join now", and the offer goes out as soon
 * as the server lets them in. Ada is in the meeting; Bob joins from the pre-join screen.
 */
let server: MeetingServer;
beforeAll(async () => {
  server = await startMeetingServer();
});
afterEach(closeAllParticipants);
afterAll(async () => {
  await server?.close();
});

type Description = { type: string; sdp: string };
const descriptions = (page: { evaluate(script: string): Promise<unknown> }) => page.evaluate('window.__descriptions ?? []') as Promise<Description[]>;

describe('the first offer, made on the pre-join screen', () => {
  it("Bob's offer reaches Ada with his candidates in it, and they see each other", async () => {
    const ada = await launchParticipant({ color: 'red' });
    await ada.page.addInitScript(recordDescriptions());
    const adaId = await joinMeeting(ada.page, server.url, 'prepared', 'Ada');

    const bob = await launchParticipant({ color: 'blue' });
    await bob.page.addInitScript(ICE_WATCH);
    await bob.page.goto(meetingUrl(server.url, 'prepared', 'Bob', false));
    await bob.page.locator('[data-testid="join-button"]:enabled').waitFor();
    // A person looks at the preview for a second or more; the offer made meanwhile has its
    // candidates by then (a fixed half second was too short beside a busy core: 0.53 s). Without a
    // prepared offer, no connection exists before the join and this wait fails.
    await preparedOffer(bob.page, 'a=candidate:');
    await bob.page.getByTestId('join-button').click();
    const bobId = await selfId(bob.page);

    expect(await waitForTileColor(ada.page, bobId, 'blue', 20_000, bob.page)).toBe('blue');
    expect(await waitForTileColor(bob.page, adaId, 'red', 20_000, ada.page)).toBe('red');
    const [offer] = await descriptions(ada.page);
    expect(offer?.type).toBe('offer');
    expect(offer?.sdp).toMatch(/^a=candidate:/m);
  });

  it('a camera Bob picks on the pre-join screen after the offer was made is the one Ada sees', async () => {
    const ada = await launchParticipant({ color: 'red' });
    await joinMeeting(ada.page, server.url, 'prepared-camera', 'Ada');

    const bob = await launchParticipant({ color: null, extraFlags: ['--use-fake-device-for-media-stream=device-count=3'] });
    await bob.page.addInitScript(ICE_WATCH);
    await bob.page.goto(meetingUrl(server.url, 'prepared-camera', 'Bob', false));
    await expect.poll(() => cameraLook(bob.page, PREVIEW_VIDEO), { timeout: 20_000 }).toBe('pacman');
    await preparedOffer(bob.page, 'a=msid:'); // the offer is made with this camera
    await bob.page.getByTestId('camera-select').selectOption({ label: 'fake_device_2' });
    await expect.poll(() => cameraLook(bob.page, PREVIEW_VIDEO), { timeout: 10_000 }).toBe('plain-green');
    await bob.page.getByTestId('join-button').click();
    const bobId = await selfId(bob.page);

    await expect.poll(() => cameraLook(ada.page, tileVideo(bobId)), { timeout: 20_000 }).toBe('plain-green');
  });

  // Her tile is ready for her picture before her answer comes: the offer's transceivers hold the
  // tracks her media will arrive on, so the tile is not set up in the busy moment of connecting.
  it("Bob's tile for Ada holds her camera's track before her answer reaches him", async () => {
    const ada = await launchParticipant({ color: 'red' });
    const adaId = await joinMeeting(ada.page, server.url, 'prepared-tracks', 'Ada');

    const bob = await launchParticipant({ color: 'blue' });
    await bob.page.addInitScript(tamperFirstDescription('delay')); // her answer reaches him 4 s late
    await joinMeeting(bob.page, server.url, 'prepared-tracks', 'Bob');
    // Read in one go: the tile's track, and that Bob's connection to her still waits for her answer.
    const tileTrack = `(async () => {
      const video = document.querySelector('${tileVideo(adaId)}');
      const track = video?.srcObject?.getVideoTracks()[0];
      const link = await window.roundtable.link('${adaId}');
      return { signaling: link?.signaling ?? null, track: track ? { kind: track.kind, state: track.readyState } : null };
    })()`;
    await expect
      .poll(() => bob.page.evaluate(tileTrack), { timeout: 2_000 })
      .toEqual({ signaling: 'have-local-offer', track: { kind: 'video', state: 'live' } });
    expect(await waitForTileColor(bob.page, adaId, 'red', 20_000, ada.page)).toBe('red');
  });
});

/** Waits until the page's first connection (the offer made on the pre-join screen) has an offer whose SDP holds `line`. */
async function preparedOffer(page: Page, line: string): Promise<void> {
  await page.waitForFunction((line) => {
    const made = (window as unknown as { __rtIce: { connections: RTCPeerConnection[] } }).__rtIce.connections;
    return made[0]?.localDescription?.sdp.includes(line) ?? false;
  }, line);
}
