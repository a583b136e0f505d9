import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { qualityLevel } from '../../../src/renderer/src/call/quality';
import { tile } from './meeting-page';

/**
 * `viewer` shows connection quality on `id`'s tile, and its details on click: the video's size and
 * rate, the round trip and the loss, and bars at a level those (rounded) figures allow.
 */
export async function expectQualityShown(viewer: Page, id: string, timeoutMs = 10_000): Promise<void> {
  const indicator = tile(viewer, id).getByTestId('quality-indicator');
  await expect.poll(() => indicator.getAttribute('data-level'), { timeout: timeoutMs }).not.toBe('unknown');
  await tile(viewer, id).hover();
  await indicator.click();
  // The bars and the numbers behind them, read at the same moment. (On loopback they are usually
  // "good"; a starved CI machine can delay packets past 150 ms, which the bars then rightly show.)
  const { level, details } = await tile(viewer, id).evaluate((el) => ({
    level: el.querySelector('[data-testid="quality-indicator"]')?.getAttribute('data-level'),
    details: el.querySelector('[data-testid="quality-details"]')?.textContent ?? '',
  }));
  expect(details).toMatch(/Video\d+×\d+ @ \d+ fps/);
  const rtt = Number(/Round trip(\d+) ms/.exec(details)?.[1]);
  const loss = Number(/Packet loss([\d.]+) %/.exec(details)?.[1]) / 100;
  expect(Number.isFinite(rtt) && Number.isFinite(loss), details).toBe(true);
  // The shown figures are rounded: any level they allow will do.
  const allowed = [-0.5, 0.5].flatMap((dr) => [-0.0005, 0.0005].map((dl) => qualityLevel(rtt + dr, Math.max(0, loss + dl))));
  expect(allowed, details).toContain(level);
}

/**
 * Speaker view on `viewer`: with only `first` talking (the fake microphones sound all the time;
 * the other mutes) the big spot is `first`'s, then with only `second` talking it is `second`'s.
 * Everyone's microphone is as before at the end; the viewer stays in speaker view.
 */
export async function expectSpeakerViewFollows(
  viewer: Page,
  first: { page: Page; id: string },
  second: { page: Page; id: string },
  timeoutMs = 10_000,
): Promise<void> {
  const bigTile = () => viewer.locator('.tile-slot[data-main="true"] [data-testid="tile"]').getAttribute('data-participant-id');
  await viewer.getByTestId('layout-toggle').click();
  await second.page.getByTestId('mic-toggle').click();
  await expect.poll(bigTile, { timeout: timeoutMs }).toBe(first.id);
  await second.page.getByTestId('mic-toggle').click();
  await first.page.getByTestId('mic-toggle').click();
  await expect.poll(bigTile, { timeout: timeoutMs }).toBe(second.id);
  await first.page.getByTestId('mic-toggle').click();
}
