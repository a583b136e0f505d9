import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants } from './support/chromium';
import type { PatternColor } from './support/fake-media';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { arrive as arriveAt, type Person } from './support/people';
import { peerStats, remoteTileIds, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';

let server: MeetingServer;
beforeAll(async () => {
  server = await startMeetingServer();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

const arrive = (name: string, color: PatternColor, room = 'standup'): Promise<Person> => arriveAt(server.url, room, name, color);

/** Each person sees exactly the others, each tile showing that person's camera. */
async function expectEveryoneSeesEveryone(people: Person[]): Promise<void> {
  for (const viewer of people) {
    const others = people.filter((p) => p !== viewer);
    await waitForRemoteTiles(
      viewer.browser.page,
      others.map((p) => p.id),
    );
    for (const other of others) {
      const seen = await waitForTileColor(viewer.browser.page, other.id, other.color, 20_000, other.browser.page);
      expect(seen, `${viewer.name} sees ${other.name}'s camera`).toBe(other.color);
    }
    await expect.poll(() => viewer.browser.page.getByTestId('participant-count').textContent()).toBe(String(people.length));
  }
}

describe('the first meeting', () => {
  const people: Person[] = [];

  it('three people with different cameras see exactly each other, and hear each other', async () => {
    people.push(await arrive('Ada Lovelace', 'red'), await arrive('Bob Kahn', 'green'), await arrive('Cy Young', 'blue'));
    await expectEveryoneSeesEveryone(people);

    for (const viewer of people) {
      for (const other of people.filter((p) => p !== viewer)) {
        await expect.poll(async () => (await peerStats(viewer.browser.page, other.id))?.audio.packetsReceived ?? 0, { timeout: 10_000 }).toBeGreaterThan(10);
      }
    }
    // Your own tile is there, mirrored, and your own sound is not played back to you.
    const page = people[0]!.browser.page;
    await expect.poll(() => page.locator('[data-testid="tile"][data-local="true"] video.mirrored').count()).toBe(1);
    expect(await page.locator(`audio[data-participant-id="${people[0]!.id}"]`).count()).toBe(0);
    expect(await page.locator('audio[data-participant-id]').count()).toBe(2);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/meeting-three.png` });
  });

  it('someone in another meeting sees nobody', async () => {
    const loner = await arrive('Dee Dee', 'yellow', 'another-room');
    await loner.browser.page.waitForTimeout(1000);
    expect(await remoteTileIds(loner.browser.page)).toEqual([]);
    expect(await loner.browser.page.getByTestId('participant-count').textContent()).toBe('1');
    for (const person of people) expect(await remoteTileIds(person.browser.page)).not.toContain(loner.id);
    await loner.browser.close();
  });

  it('a clean leave removes the tile for everyone within 2 s', async () => {
    const [ada, bob, cy] = people as [Person, Person, Person];
    await cy.browser.page.getByTestId('leave-button').click();
    await Promise.all([waitForRemoteTiles(ada.browser.page, [bob.id], 2_000), waitForRemoteTiles(bob.browser.page, [ada.id], 2_000)]);
    await expect.poll(() => cy.browser.page.getByTestId('left-screen').isVisible()).toBe(true);
  });

  it('rejoining brings the same person back with their video', async () => {
    const [ada, bob, cy] = people as [Person, Person, Person];
    await cy.browser.page.getByTestId('rejoin-button').click();
    await cy.browser.page.getByTestId('join-button').click();
    await expectEveryoneSeesEveryone([ada, bob, cy]);
  });

  it('a participant whose app dies disappears for the others within 10 s', async () => {
    const [ada, bob, cy] = people as [Person, Person, Person];
    await bob.browser.kill();
    await Promise.all([waitForRemoteTiles(ada.browser.page, [cy.id], 10_000), waitForRemoteTiles(cy.browser.page, [ada.id], 10_000)]);
  });
});
