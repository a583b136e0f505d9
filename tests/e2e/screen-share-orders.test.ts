import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { meetingUrl, seesShare, selfId, tile, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';

/**
 * A share reaches everyone whoever shares, in whatever order people joined and shared: the first
 * connection of two people is offered by the one who joined later, and a share from either side
 * adds its slots with a new offer from that side.
 */
interface Scenario {
  name: string;
  /** How many people, joining in this order (0 first). */
  people: 2 | 3;
  /** Who joins with the camera off (their camera slot never sends). */
  camerasOff?: number[];
  /** Each step: who starts (all at the same moment) or stops sharing. */
  steps: Array<{ start: number[] } | { stop: number[] }>;
}

const SCENARIOS: Scenario[] = [
  { name: 'the newcomer shares', people: 2, steps: [{ start: [1] }] },
  { name: 'the first joiner shares, both cameras off', people: 2, camerasOff: [0, 1], steps: [{ start: [0] }] },
  { name: 'the newcomer shares, then the first joiner too', people: 2, steps: [{ start: [1] }, { start: [0] }] },
  {
    name: 'the newcomer (camera off) shares, stops, then the first joiner shares',
    people: 2,
    camerasOff: [1],
    steps: [{ start: [1] }, { stop: [1] }, { start: [0] }],
  },
  { name: 'both at the same moment, cameras off', people: 2, camerasOff: [0, 1], steps: [{ start: [0, 1] }] },
  { name: 'three: the last, then the middle, then the first', people: 3, steps: [{ start: [2] }, { start: [1] }, { start: [0] }] },
  { name: 'three at the same moment, the newcomer with the camera off', people: 3, camerasOff: [2], steps: [{ start: [0, 1, 2] }] },
  { name: 'three with cameras off: the newcomer shares, then the first joiner', people: 3, camerasOff: [0, 1, 2], steps: [{ start: [2] }, { start: [0] }] },
];

let server: MeetingServer;
let runs = 0;
let everyone: Participant[];
beforeAll(async () => {
  server = await startMeetingServer();
  everyone = [await launchParticipant({ color: 'red' }), await launchParticipant({ color: 'blue' }), await launchParticipant({ color: 'yellow' })];
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

/** Joins from the pre-join screen, with the camera turned off there first when asked. */
async function join(page: Page, room: string, name: string, cameraOn: boolean): Promise<string> {
  await page.goto(meetingUrl(server.url, room, name, cameraOn));
  if (!cameraOn) {
    await page.getByTestId('camera-toggle').click();
    await expect.poll(() => page.getByTestId('camera-toggle').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    await page.getByTestId('join-button').click();
  }
  return selfId(page);
}

describe('a screen share reaches everyone, whoever shares in whatever order', () => {
  for (const [index, scenario] of SCENARIOS.entries()) {
    it(scenario.name, async () => {
      // A meeting of its own each time (a retry must not walk into the one the failed try left).
      const room = `share-order-${index}-${++runs}`;
      const people = everyone.slice(0, scenario.people);
      const ids: string[] = [];
      for (const [n, person] of people.entries()) {
        ids.push(await join(person.page, room, `P${n}`, !scenario.camerasOff?.includes(n)));
      }
      for (const [n, person] of people.entries())
        await waitForRemoteTiles(
          person.page,
          ids.filter((_, m) => m !== n),
        );

      const sharing = new Set<number>();
      for (const step of scenario.steps) {
        if ('start' in step) {
          await Promise.all(step.start.map((n) => people[n]!.page.getByTestId('screen-toggle').click()));
          step.start.forEach((n) => sharing.add(n));
        } else {
          await Promise.all(step.stop.map((n) => people[n]!.page.getByTestId('stop-sharing').click()));
          step.stop.forEach((n) => sharing.delete(n));
        }
        // Every viewer sees every share that is on (its own picture in it), and none that is off.
        for (const [viewer, person] of people.entries()) {
          for (const sharer of people.keys()) {
            if (sharer === viewer) continue;
            if (sharing.has(sharer)) expect(await seesShare(person.page, ids[sharer]!), `P${viewer} sees P${sharer}'s share`).toBe(true);
            else await expect.poll(() => tile(person.page, `${ids[sharer]}:screen`).count(), { timeout: 20_000 }).toBe(0);
          }
        }
      }
      // The cameras went on through it all.
      for (const [n, person] of people.entries()) {
        if (scenario.camerasOff?.includes(n)) continue;
        const viewer = people[(n + 1) % people.length]!;
        expect(await waitForTileColor(viewer.page, ids[n]!, person.color!)).toBe(person.color);
      }
    });
  }
});
