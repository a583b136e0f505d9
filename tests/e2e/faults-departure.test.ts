import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { closeAllParticipants } from './support/chromium';
import { killBob, seeEachOther, sleepBob, startCall, type Call } from './support/fault-scenarios';
import { joinMeeting, remoteTileIds, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { launchParticipant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { DEFAULT_PING_INTERVAL_MS, DEFAULT_PING_TIMEOUT_MS } from '@roundtable/signaling-server';

let server: MeetingServer;
beforeEach(async () => {
  await closeAllParticipants();
  await server?.close();
  // The product's heartbeat: what these tests time is how soon it notices someone vanished.
  server = await startMeetingServer({ pingIntervalMs: DEFAULT_PING_INTERVAL_MS, pingTimeoutMs: DEFAULT_PING_TIMEOUT_MS });
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

describe('a participant who disappears', { timeout: 180_000 }, () => {
  it('whose app is killed is gone for the others within 10 s, and can come back cleanly', async () => {
    const call: Call = await startCall('killed', { url: server.url });
    const goneMs = await killBob(call);
    expect(goneMs).toBeLessThanOrEqual(10_000);

    // Bob starts the app again (a new browser profile, so a new participant).
    const again = await launchParticipant({ color: 'green' });
    const bobAgain = await joinMeeting(again.page, server.url, 'killed', 'Bob');
    await waitForRemoteTiles(call.ada.browser.page, [bobAgain]);
    await waitForRemoteTiles(again.page, [call.ada.id]);
    expect(await waitForTileColor(call.ada.browser.page, bobAgain, 'green')).toBe('green');
    expect(await waitForTileColor(again.page, call.ada.id, 'red')).toBe('red');
  });

  it('whose machine sleeps is gone for the others within 10 s, and rejoins cleanly on waking', async () => {
    const call: Call = await startCall('asleep', { url: server.url });
    const { goneMs, wake } = await sleepBob(call);
    expect(goneMs).toBeLessThanOrEqual(10_000);

    wake();
    // Bob comes back as himself: one tile each, and each sees the other's camera again.
    await waitForRemoteTiles(call.ada.browser.page, [call.bob.id], 30_000);
    await waitForRemoteTiles(call.bob.browser.page, [call.ada.id], 30_000);
    await seeEachOther(call, 30_000);
    expect(await remoteTileIds(call.ada.browser.page)).toEqual([call.bob.id]);
    expect(await remoteTileIds(call.bob.browser.page)).toEqual([call.ada.id]);
  });
});
