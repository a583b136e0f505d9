import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling-server/src/protocol/index';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { joinMeeting, meetingUrl } from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';

/**
 * Issue 18, what a new user tripped over: what is cut off or overflows at a desktop, a small and a
 * phone-sized window, and the notices of the meeting (host notices, host changes, arrivals).
 */

let server: MeetingServer;
beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startMeetingServer();
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
  { width: 390, height: 844 },
] as const;
type Size = (typeof SIZES)[number];
const label = (size: Size): string => `${size.width}x${size.height}`;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether the page is wider than the window (it scrolls sideways). */
function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
}

/** Every visible control (button, input, select, textarea) whose box is not wholly inside the window, without scrolling. */
function controlsOutside(page: Page): Promise<Array<{ control: string; box: Box }>> {
  return page.evaluate(() => {
    window.scrollTo(0, 0);
    const outside: Array<{ control: string; box: Box }> = [];
    for (const element of document.querySelectorAll<HTMLElement>('button, input, select, textarea')) {
      const r = element.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (getComputedStyle(element).visibility === 'hidden') continue;
      const inside = r.left >= -0.5 && r.top >= -0.5 && r.right <= window.innerWidth + 0.5 && r.bottom <= window.innerHeight + 0.5;
      if (!inside) {
        const name = element.dataset['testid'] ?? element.getAttribute('aria-label') ?? element.textContent?.trim() ?? element.tagName;
        outside.push({ control: `${element.tagName.toLowerCase()} ${name}`, box: { x: r.x, y: r.y, width: r.width, height: r.height } });
      }
    }
    return outside;
  });
}

function within(box: Box | null, size: Size): boolean {
  return box !== null && box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= size.width + 0.5 && box.y + box.height <= size.height + 0.5;
}

/** Opens the meeting's device settings: the panel and each of its controls are inside the window. */
async function expectSettingsInside(page: Page, size: Size, code: 'long' | 'short'): Promise<void> {
  await page.getByTestId('device-settings-button').click();
  const panel = page.getByTestId('device-settings');
  await panel.waitFor();
  await expect.poll(() => panel.locator('select').first().locator('option').count()).toBeGreaterThan(0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/layout-meeting-settings-${label(size)}${code === 'long' ? '-long-code' : ''}.png` });
  const box = await panel.boundingBox();
  expect(within(box, size), `the device settings at ${JSON.stringify(box)} in a ${label(size)} window (${code} code)`).toBe(true);
  for (const control of await panel.locator('button, select').all()) expect(within(await control.boundingBox(), size)).toBe(true);
  const meeting = await horizontalOverflow(page);
  expect(meeting.scrollWidth).toBeLessThanOrEqual(meeting.clientWidth);
  await page.keyboard.press('Escape');
  await expect.poll(() => panel.count()).toBe(0);
}

/** A participant without a browser: a Socket.IO client speaking the protocol (it answers no calls). */
interface Member {
  id: string;
  socket: Socket;
  ask(event: string, payload: unknown): Promise<{ ok: boolean; error?: { code: string; message: string } }>;
  leave(): Promise<void>;
}

let members = 0;
async function member(room: string, name: string, media: { audio: boolean; video: boolean } = { audio: true, video: false }): Promise<Member> {
  members += 1;
  const socket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const ask = (event: string, payload: unknown) =>
    socket.timeout(10_000).emitWithAck(event, payload) as Promise<{ ok: boolean; error?: { code: string; message: string }; self?: { id: string } }>;
  const reply = await ask('join', {
    protocol: PROTOCOL_VERSION,
    room,
    name,
    secret: `layout-test-secret-${members}-${'x'.repeat(24)}`,
    session: `layout-session-${members}`,
    media,
    create: {},
  });
  if (!reply.ok || !reply.self) throw new Error(`${name} could not join: ${JSON.stringify(reply.error)}`);
  return {
    id: reply.self.id,
    socket,
    ask,
    leave: async () => {
      await ask('leave', {}).catch(() => undefined);
      socket.disconnect();
    },
  };
}

describe('nothing is cut off at 1280x800, 800x600 and 390x844', () => {
  for (const size of SIZES) {
    it(`${label(size)}: the home screen, the pre-join screen and the device settings of the meeting fit the window`, async () => {
      const person = await launchParticipant({ color: 'green', viewport: size });
      const { page } = person;
      try {
        await page.goto(server.url);
        await page.getByTestId('name-input').waitFor();
        await page.getByTestId('name-input').fill('Grace Hopper');
        await page.getByTestId('new-meeting').click();
        await page.screenshot({ path: `${SCREENSHOT_DIR}/layout-home-${label(size)}.png` });
        const home = await horizontalOverflow(page);
        expect(home.scrollWidth, `the home screen is ${home.scrollWidth} px wide in a ${home.clientWidth} px window`).toBeLessThanOrEqual(home.clientWidth);
        expect(await controlsOutside(page), 'controls of the home screen outside the window').toEqual([]);

        await page.getByTestId('continue-button').click();
        await page.locator('[data-testid="preview"] video[data-showing="true"]').waitFor();
        await expect.poll(() => page.getByTestId('camera-select').locator('option').count()).toBeGreaterThan(0);
        await page.screenshot({ path: `${SCREENSHOT_DIR}/layout-prejoin-${label(size)}.png` });
        const prejoin = await horizontalOverflow(page);
        expect(prejoin.scrollWidth, `the pre-join screen is ${prejoin.scrollWidth} px wide in a ${prejoin.clientWidth} px window`).toBeLessThanOrEqual(
          prejoin.clientWidth,
        );
        expect(await controlsOutside(page), 'controls of the pre-join screen outside the window (below the fold?)').toEqual([]);
        expect(within(await page.getByTestId('join-button').boundingBox(), size), 'Join is visible without scrolling').toBe(true);

        await page.getByTestId('join-button').click();
        await page.getByTestId('leave-button').waitFor();
        await expectSettingsInside(page, size, 'long');
        // A short code puts the gear further left in the header (it opened off the window's left edge).
        await page.goto(meetingUrl(server.url, `fit-${size.width}`, 'Grace Hopper'));
        await page.getByTestId('leave-button').waitFor();
        await expectSettingsInside(page, size, 'short');
      } finally {
        await person.close();
      }
    });
  }
});

describe('the meeting header', () => {
  for (const size of [SIZES[0], SIZES[2]]) {
    it(`${label(size)}: the Locked and Recording badges do not move the settings gear, and the header fits`, async () => {
      const room = `header-${size.width}`;
      const host = await member(room, 'Hugo Host');
      const person = await launchParticipant({ color: 'blue', viewport: size });
      try {
        await joinMeeting(person.page, server.url, room, 'Ada');
        const gear = person.page.getByTestId('device-settings-button');
        const before = (await gear.boundingBox())!;
        expect(within(before, size)).toBe(true);

        expect((await host.ask('host-settings', { locked: true })).ok).toBe(true);
        await person.page.getByTestId('locked-indicator').waitFor();
        expect((await host.ask('recording', { active: true })).ok).toBe(true);
        await person.page.getByTestId('recording-indicator').waitFor();
        const after = (await gear.boundingBox())!;
        expect(after.x, `the gear moved from ${before.x} to ${after.x}`).toBe(before.x);
        expect(after.y).toBe(before.y);
        for (const badge of ['locked-indicator', 'recording-indicator', 'participant-count']) {
          expect(within(await person.page.getByTestId(badge).boundingBox(), size), `${badge} fits`).toBe(true);
        }
        const overflow = await horizontalOverflow(person.page);
        expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
        await person.page.screenshot({ path: `${SCREENSHOT_DIR}/layout-header-badges-${label(size)}.png` });
      } finally {
        await person.close();
        await host.leave();
      }
    });
  }
});
