import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling-server/src/protocol/index';
import { SETTLE_MS } from '../../src/renderer/src/hooks/notice-feed';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { joinMeeting, looksLikeFakeScreen, meetingUrl, tile, videoRgb } from './support/meeting-page';
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
/** Connects a member; `join()` then brings them in (so that several can arrive at the same moment). */
async function connectMember(
  room: string,
  name: string,
  media: { audio: boolean; video: boolean } = { audio: true, video: false },
): Promise<() => Promise<Member>> {
  members += 1;
  const n = members;
  const socket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const ask = (event: string, payload: unknown) =>
    socket.timeout(10_000).emitWithAck(event, payload) as Promise<{ ok: boolean; error?: { code: string; message: string }; self?: { id: string } }>;
  return async () => {
    const reply = await ask('join', {
      protocol: PROTOCOL_VERSION,
      room,
      name,
      secret: `layout-test-secret-${n}-${'x'.repeat(24)}`,
      session: `layout-session-${n}`,
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
  };
}

async function member(room: string, name: string, media?: { audio: boolean; video: boolean }): Promise<Member> {
  return (await connectMember(room, name, media))();
}

/** Dismisses every notice, the pointer then moved away (a notice under the pointer stays). */
async function dismissAll(page: Page): Promise<void> {
  while ((await page.locator('.toasts .toast').count()) > 0) {
    await page.locator('.toasts .toast').first().getByTestId('notice-dismiss').click();
    await page.mouse.move(5, 5);
  }
}

/** The texts of the notices (toasts) the page shows, top to bottom. */
function notices(page: Page): Promise<string[]> {
  return page.$$eval('.toasts .toast', (toasts) => toasts.map((t) => t.querySelector('.toast-text')?.textContent ?? t.textContent ?? ''));
}

/**
 * Records every notice the page shows from now on, as it renders it, and the most arrival notices
 * shown at once: a busy page can show one and drop it between two reads from the test.
 */
const RECORD_NOTICES = `(() => {
  const seen = new WeakSet();
  const record = (window.__notices = { texts: [], mostJoinedAtOnce: 0 });
  const look = () => {
    const toasts = [...document.querySelectorAll('.toasts .toast')];
    const texts = toasts.map((t) => t.querySelector('.toast-text')?.textContent ?? t.textContent ?? '');
    toasts.forEach((toast, i) => {
      if (seen.has(toast)) return;
      seen.add(toast);
      record.texts.push(texts[i]);
    });
    record.mostJoinedAtOnce = Math.max(record.mostJoinedAtOnce, texts.filter((text) => / joined$/.test(text)).length);
  };
  new MutationObserver(look).observe(document.body, { childList: true, subtree: true, characterData: true });
})()`;

function shownNotices(page: Page): Promise<{ texts: string[]; mostJoinedAtOnce: number }> {
  return page.evaluate('window.__notices') as Promise<{ texts: string[]; mostJoinedAtOnce: number }>;
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

describe('notices in the meeting', () => {
  let ada: Participant;
  let adaId: string;
  let hugo: Member;
  let ivy: Member;
  let adaInAt = 0;
  const room = 'notices';

  beforeAll(async () => {
    hugo = await member(room, 'Hugo');
    ivy = await member(room, 'Ivy');
    ada = await launchParticipant({ color: 'red' });
    adaId = await joinMeeting(ada.page, server.url, room, 'Ada');
    adaInAt = Date.now();
  });
  afterAll(async () => {
    await ada?.close();
    await hugo?.leave();
    await ivy?.leave();
  });

  it('no notice of one’s own arrival, nor of the people who were already there', async () => {
    await ada.page.waitForTimeout(2_000);
    expect(await notices(ada.page)).toEqual([]);
  });

  it('host notices go away by themselves (not while pointed at), at most three at once, each dismissible', async () => {
    const { page } = ada;
    expect((await hugo.ask('ask-unmute', { id: adaId })).ok).toBe(true);
    const first = page.getByTestId('host-notice');
    await first.waitFor();
    const shownAt = Date.now();
    // Pointed at, it stays.
    await first.hover();
    await page.waitForTimeout(9_000);
    expect(await first.count()).toBe(1);
    await page.mouse.move(5, 5);
    await expect.poll(() => first.count(), { timeout: 10_000 }).toBe(0);
    expect(Date.now() - shownAt).toBeGreaterThan(9_000);

    // Unattended, one leaves after a few seconds.
    expect((await hugo.ask('ask-unmute', { id: adaId })).ok).toBe(true);
    await first.waitFor();
    const start = Date.now();
    await expect.poll(() => first.count(), { timeout: 12_000, interval: 100 }).toBe(0);
    const lasted = Date.now() - start;
    expect(lasted).toBeGreaterThan(4_000);
    expect(lasted).toBeLessThan(10_000);

    // Five in a row: three at most, the newest kept.
    for (let i = 0; i < 5; i++) expect((await hugo.ask(i % 2 ? 'stop-video' : 'ask-unmute', { id: adaId })).ok).toBe(true);
    await expect.poll(() => page.getByTestId('host-notice').count()).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    expect(await page.locator('.toasts .toast').count()).toBe(3);
    expect(await page.getByTestId('host-notice').last().getAttribute('data-kind')).toBe('ask-unmute');
    // Each can be dismissed.
    await page.getByTestId('host-notice').first().getByTestId('notice-dismiss').click();
    await page.mouse.move(5, 5);
    expect(await page.locator('.toasts .toast').count()).toBe(2);
    await expect.poll(() => page.locator('.toasts .toast').count(), { timeout: 12_000 }).toBe(0);
  });

  it('everyone is told when the host role moves; the new host is told "You are now the host"', async () => {
    const { page } = ada;
    expect((await hugo.ask('make-host', { id: ivy.id })).ok).toBe(true);
    await expect.poll(() => notices(page)).toContain('Ivy is now the host');
    expect((await ivy.ask('make-host', { id: adaId })).ok).toBe(true);
    await expect.poll(() => notices(page)).toContain('You are now the host');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/notices-host.png` });
    await dismissAll(page);
  });

  it('says who joined and who left, in one short notice, however many arrive at once', async () => {
    const { page } = ada;
    // Arrivals in Ada's first moment in the meeting are taken for people already there (no notice):
    // run alone, this test would start inside it.
    await page.waitForTimeout(Math.max(0, adaInAt + SETTLE_MS + 200 - Date.now()));
    const bob = await member(room, 'Bob');
    await expect.poll(() => notices(page)).toContain('Bob joined');
    await bob.leave();
    await expect.poll(() => notices(page)).toContain('Bob left');
    // "Bob left" replaced "Bob joined": arrivals do not pile up.
    expect((await notices(page)).filter((text) => text.startsWith('Bob'))).toEqual(['Bob left']);

    const arriving = await Promise.all(['Cy', 'Dee', 'Eve', 'Fay', 'Gus'].map((name) => connectMember(room, name)));
    await page.evaluate(RECORD_NOTICES);
    const crowd = await Promise.all(arriving.map((join) => join()));
    const five = /^(Cy|Dee|Eve|Fay|Gus), (Cy|Dee|Eve|Fay|Gus) and 3 others joined$/;
    await expect.poll(async () => (await shownNotices(page)).texts).toContainEqual(expect.stringMatching(five));
    await page.screenshot({ path: `${SCREENSHOT_DIR}/notices-arrivals.png` });
    // Every notice the page showed from the crowd's arrival on: one of arrivals, naming them all.
    const shown = await shownNotices(page);
    expect(shown.texts.filter((text) => / joined$/.test(text))).toEqual([expect.stringMatching(five)]);
    expect(shown.mostJoinedAtOnce).toBe(1);
    await Promise.all(crowd.map((m) => m.leave()));
    await expect.poll(async () => (await shownNotices(page)).texts).toContainEqual(expect.stringMatching(/and 3 others left$/));
  });
});

describe('in the meeting, at a glance', () => {
  let ada: Participant;
  let mute: Member;
  const room = 'glance';

  beforeAll(async () => {
    mute = await member(room, 'Milo Muted', { audio: false, video: false });
    ada = await launchParticipant({ color: 'yellow' });
    await joinMeeting(ada.page, server.url, room, 'Ada');
  });
  afterAll(async () => {
    await ada?.close();
    await mute?.leave();
  });

  it('the muted icon on a tile is big enough and stands out', async () => {
    const icon = tile(ada.page, mute.id).getByTestId('muted-icon');
    await icon.waitFor();
    const look = await icon.evaluate((element) => {
      const parse = (color: string): [number, number, number, number] => {
        const [r = 0, g = 0, b = 0, a = 1] = (color.match(/[\d.]+/g) ?? []).map(Number);
        return [r, g, b, color.startsWith('rgba') ? a : 1];
      };
      const luminance = ([r, g, b]: [number, number, number, number]): number => {
        const channel = (c: number): number => {
          const s = c / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
      };
      const style = getComputedStyle(element);
      const svg = element.querySelector('svg')!.getBoundingClientRect();
      const background = parse(style.backgroundColor);
      const foreground = parse(style.color);
      const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a) as [number, number];
      return { svg: Math.min(svg.width, svg.height), opacity: Number(style.opacity), backgroundAlpha: background[3], contrast: (light + 0.05) / (dark + 0.05) };
    });
    expect(look.svg, 'icon size').toBeGreaterThanOrEqual(18);
    expect(look.opacity).toBe(1);
    // On a badge of its own, whatever the video behind it.
    expect(look.backgroundAlpha, 'an opaque background of its own').toBeGreaterThanOrEqual(0.9);
    expect(look.contrast, 'contrast of the icon on its badge').toBeGreaterThanOrEqual(4.5);
    await tile(ada.page, mute.id).screenshot({ path: `${SCREENSHOT_DIR}/tile-muted.png` });
  });

  it('the tab says which meeting this is, and when it is recorded', async () => {
    await expect.poll(() => ada.page.title()).toBe(`${room} – Roundtable`);
    expect((await mute.ask('recording', { active: true })).ok).toBe(true);
    await expect.poll(() => ada.page.title()).toBe(`● Recording · ${room} – Roundtable`);
    expect((await mute.ask('recording', { active: false })).ok).toBe(true);
    await expect.poll(() => ada.page.title()).toBe(`${room} – Roundtable`);
  });

  it('the Record button does not look like a recording until one runs', async () => {
    const { page } = ada;
    const button = page.getByTestId('record-button');
    /** Anything red in the button: a background, a border or a fill. */
    const red = (): Promise<string[]> =>
      button.evaluate((root) => {
        const found: string[] = [];
        for (const element of [root, ...root.querySelectorAll('*')]) {
          const style = getComputedStyle(element);
          if (style.display === 'none' || style.visibility === 'hidden') continue;
          for (const property of ['backgroundColor', 'borderTopColor', 'fill', 'color'] as const) {
            const [r = 0, g = 0, b = 0, a = 1] = (style[property].match(/[\d.]+/g) ?? []).map(Number);
            const alpha = style[property].startsWith('rgba') ? a : 1;
            if (alpha > 0.3 && r > 170 && g < 120 && b < 120) found.push(`${element.className || element.tagName} ${property} ${style[property]}`);
          }
        }
        return found;
      });
    expect(await red(), 'red in the idle Record button').toEqual([]);
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    expect((await button.textContent())?.trim()).toBe('Record');
    expect(await button.getAttribute('title')).toMatch(/^Start recording/);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/record-idle.png` });

    await button.click();
    await page.getByTestId('record-elapsed').waitFor({ timeout: 20_000 });
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    expect((await red()).length, 'a recording shows red').toBeGreaterThan(0);
    expect(await button.getAttribute('title')).toMatch(/^Stop recording/);
    await expect.poll(() => page.title()).toBe(`● Recording · ${room} – Roundtable`);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/record-running.png` });
    const download = page.waitForEvent('download', { timeout: 30_000 });
    await button.click();
    await download;
    await expect.poll(() => page.title()).toBe(`${room} – Roundtable`);
  });

  it('the sharer sees a small preview of what they share, and the tab says so', async () => {
    const { page } = ada;
    await page.getByTestId('screen-toggle').click();
    const preview = page.getByTestId('share-preview');
    await preview.waitFor({ timeout: 20_000 });
    await expect.poll(async () => looksLikeFakeScreen(await videoRgb(page, '[data-testid="share-preview"] video')), { timeout: 20_000 }).toBe(true);
    const box = (await preview.boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(box.width).toBeLessThanOrEqual(viewport.width / 3);
    expect(within(box, { width: viewport.width, height: viewport.height } as Size)).toBe(true);
    await expect.poll(() => page.title()).toBe(`Sharing your screen · ${room} – Roundtable`);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/share-preview.png` });
    await page.getByTestId('stop-sharing').click();
    await expect.poll(() => preview.count()).toBe(0);
    await expect.poll(() => page.title()).toBe(`${room} – Roundtable`);
  });

  it('on a phone, sharing leaves the header free, and the preview has the Stop button', async () => {
    const phone = await launchParticipant({ color: 'blue', viewport: SIZES[2] });
    try {
      const { page } = phone;
      await joinMeeting(page, server.url, 'share-phone', 'Pat');
      await page.getByTestId('screen-toggle').click();
      const preview = page.getByTestId('share-preview');
      await preview.waitFor({ timeout: 20_000 });
      await page.screenshot({ path: `${SCREENSHOT_DIR}/share-preview-390x844.png` });
      expect(within(await preview.boundingBox(), SIZES[2])).toBe(true);
      // Nothing lies on the header's controls (the sharing bar did, in the middle of the header).
      const covered = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.meeting-header button, .meeting-header [data-testid="participant-count"]')]
          .filter((element) => {
            const r = element.getBoundingClientRect();
            // The middle and four points halfway to the corners (inside round buttons too).
            const [x, y, dx, dy] = [r.left + r.width / 2, r.top + r.height / 2, r.width / 4, r.height / 4];
            const points = [
              [x, y],
              [x - dx, y - dy],
              [x + dx, y - dy],
              [x - dx, y + dy],
              [x + dx, y + dy],
            ] as const;
            return points.some(([px, py]) => {
              const top = document.elementFromPoint(px, py);
              return !top || !(element === top || element.contains(top));
            });
          })
          .map((element) => element.dataset['testid'] ?? element.textContent),
      );
      expect(covered, 'header controls covered').toEqual([]);
      await page.getByTestId('preview-stop-sharing').click();
      await expect.poll(() => preview.count()).toBe(0);
    } finally {
      await phone.close();
    }
  });

  it('after leaving, the tab is the app again', async () => {
    await ada.page.getByTestId('leave-button').click();
    await expect.poll(() => ada.page.title()).toBe('Roundtable');
  });
});
