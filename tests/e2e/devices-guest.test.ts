import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { cameraLook, tileVideo, watchPeerConnections, type PeerWatch } from './support/desktop-devices';
import { buildDeviceSettingsHarness, HARNESS_PAGE } from './support/desktop-devices-harness';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { joinMeeting, selfId, waitForRemoteTiles } from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';

let server: MeetingServer;
beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  [server] = await Promise.all([startMeetingServer(), buildDeviceSettingsHarness()]);
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

const peers = (page: Page) =>
  page.evaluate(() => {
    const watch = (window as unknown as { __rtPeers: PeerWatch }).__rtPeers;
    const pc = watch.pcs[0]!;
    return { count: watch.pcs.length, negotiations: watch.negotiations(), state: pc.connectionState, camera: pc.getTransceivers()[1]!.sender.track?.label };
  });

describe('a browser guest switches devices in a meeting with DeviceSettings', () => {
  let ada: Participant;
  let bob: Participant;
  let adaId: string;
  const harnessUrl = (room: string) => `${server.url}${HARNESS_PAGE}?${new URLSearchParams({ room, name: 'Ada', autojoin: '1', start: '1' })}`;

  it('the panel lists the devices; choosing a camera there switches what the others see within 1 s, on the same connection', async () => {
    // The full Chromium: its headless shell gives the cameras new deviceIds at each page load, so
    // no choice could be remembered across the reload below.
    ada = await launchParticipant({ color: null, extraFlags: ['--use-fake-device-for-media-stream=device-count=3'], fullChromium: true });
    await watchPeerConnections(ada.page);
    await ada.page.goto(harnessUrl('guest-devices'));
    adaId = await selfId(ada.page);
    bob = await launchParticipant({ color: 'blue' });
    await watchPeerConnections(bob.page);
    await joinMeeting(bob.page, server.url, 'guest-devices', 'Bob');
    await waitForRemoteTiles(bob.page, [adaId]);
    await expect.poll(() => cameraLook(bob.page, tileVideo(adaId)), { timeout: 20_000 }).toBe('pacman');
    const before = await peers(bob.page);
    const adaBefore = await peers(ada.page);
    expect(before.state).toBe('connected');

    await ada.page.getByTestId('device-settings-button').click();
    const panel = ada.page.getByTestId('device-settings');
    await expect
      .poll(() => panel.getByTestId('camera-select').locator('option').allTextContents())
      .toEqual(['fake_device_0', 'fake_device_1', 'fake_device_2']);
    expect(await panel.getByTestId('speaker-select').locator('option').allTextContents()).toContain('Fake Audio Output 1');
    await ada.page.screenshot({ path: `${SCREENSHOT_DIR}/devices-settings-panel.png` });

    const switched = Date.now();
    await panel.getByTestId('camera-select').selectOption({ label: 'fake_device_2' });
    let seenAfter = Number.POSITIVE_INFINITY;
    for (let deadline = switched + 5_000; Date.now() < deadline;) {
      if ((await cameraLook(bob.page, tileVideo(adaId))) === 'plain-green') {
        seenAfter = Date.now() - switched;
        break;
      }
      await bob.page.waitForTimeout(20);
    }
    expect(seenAfter, 'Bob sees the new camera within 1 s').toBeLessThan(1_000);
    expect(await peers(bob.page)).toEqual(before);
    expect(await peers(ada.page)).toEqual({ ...adaBefore, camera: 'fake_device_2' });
  });

  it('the microphone and the speaker chosen there are used at once', async () => {
    const panel = ada.page.getByTestId('device-settings');
    await panel.getByTestId('microphone-select').selectOption({ label: 'Fake Audio Input 1' });
    await expect
      .poll(() => ada.page.evaluate(() => (window as unknown as { __rtPeers: PeerWatch }).__rtPeers.pcs[0]!.getTransceivers()[0]!.sender.track?.label))
      .toBe('Fake Audio Input 1');
    await panel.getByTestId('speaker-select').selectOption({ label: 'Fake Audio Output 2' });
    const sinkId = await panel.getByTestId('speaker-select').inputValue();
    await expect
      .poll(() => ada.page.evaluate(() => [...document.querySelectorAll('audio[data-participant-id]')].map((a) => (a as HTMLAudioElement).sinkId)))
      .toEqual([sinkId]);
    await ada.page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
  });

  it('remembers the choice when the guest comes back', async () => {
    await ada.page.reload();
    await expect.poll(() => cameraLook(bob.page, tileVideo(adaId)), { timeout: 20_000 }).toBe('plain-green');
    await ada.page.getByTestId('device-settings-button').click();
    expect(await ada.page.getByTestId('camera-select').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text)).toBe('fake_device_2');
  });
});
