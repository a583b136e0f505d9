import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, type Participant } from './support/chromium';
import type { PatternColor } from './support/fake-media';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { peerStats, tile, waitForRemoteTiles } from './support/meeting-page';
import { arrive as arriveAt, type Person } from './support/people';

let server: MeetingServer;
beforeAll(async () => {
  server = await startMeetingServer();
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

// Audio-first from 3 people on (the default is larger; the threshold is configurable).
const arrive = (name: string, color: PatternColor): Promise<Person> => arriveAt(server.url, 'big-room', name, color, { query: '&audioFirst=2' });

/** Frames decoded from `from` over a short window. */
async function framesOver(page: Participant['page'], from: string, ms = 2500): Promise<number> {
  const before = (await peerStats(page, from))?.video.framesDecoded ?? 0;
  await page.waitForTimeout(ms);
  return ((await peerStats(page, from))?.video.framesDecoded ?? 0) - before;
}

describe('a large meeting', () => {
  it('becomes audio-first: video only for the pinned (or speaking) tile, and the others stop sending it', async () => {
    const ada = await arrive('Ada', 'red');
    const bob = await arrive('Bob', 'green');
    const cy = await arrive('Cy', 'blue');
    await waitForRemoteTiles(ada.browser.page, [bob.id, cy.id]);
    const page = ada.browser.page;
    expect(await page.locator('main.meeting').getAttribute('data-audio-first')).toBe('true');

    await tile(page, bob.id).hover();
    await tile(page, bob.id).getByTestId('pin-button').click();
    await expect.poll(() => tile(page, cy.id).locator('.audio-only').count()).toBe(1);
    expect(await tile(page, bob.id).locator('.audio-only').count()).toBe(0);
    await expect.poll(() => tile(page, bob.id).getAttribute('data-video'), { timeout: 20_000 }).toBe('on');

    // Cy no longer spends an encoder on Ada; Bob still does.
    await expect.poll(() => framesOver(page, cy.id), { timeout: 30_000 }).toBe(0);
    expect(await framesOver(page, bob.id)).toBeGreaterThan(10);
    // Audio keeps flowing from everyone.
    const audio = (await peerStats(page, cy.id))!.audio.packetsReceived;
    await page.waitForTimeout(1000);
    expect((await peerStats(page, cy.id))!.audio.packetsReceived).toBeGreaterThan(audio);
  });
});
