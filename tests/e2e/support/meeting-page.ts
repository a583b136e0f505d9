import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { nearestColor, type PatternColor } from './fake-media';

/**
 * A meeting link. `start` (the default): whoever comes first starts the meeting, as after clicking
 * New meeting; without it, a meeting nobody runs yet is waited for.
 */
export function meetingUrl(server: string, room: string, name: string, autojoin = true, start = true): string {
  const params = new URLSearchParams({ room, name, ...(autojoin ? { autojoin: '1' } : {}), ...(start ? { start: '1' } : {}) });
  return `${server}/?${params}`;
}

/** Opens the meeting link and waits until this participant is in (their own tile has an id). */
export async function joinMeeting(page: Page, server: string, room: string, name: string): Promise<string> {
  await page.goto(meetingUrl(server, room, name));
  return selfId(page);
}

export async function selfId(page: Page): Promise<string> {
  await page.waitForFunction(() => (window as unknown as { roundtable?: { selfId(): string | null } }).roundtable?.selfId(), null, { timeout: 45_000 });
  return page.evaluate(() => (window as unknown as { roundtable: { selfId(): string } }).roundtable.selfId());
}

/** Ids of the remote tiles on the page, in display order. */
export function remoteTileIds(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="tile"]:not([data-local="true"])', (tiles) => tiles.map((t) => t.getAttribute('data-participant-id') ?? ''));
}

/** Waits until the page shows exactly these remote participants (in any order). */
export async function waitForRemoteTiles(page: Page, ids: string[], timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const shown = [...document.querySelectorAll('[data-testid="tile"]:not([data-local="true"])')].map((t) => t.getAttribute('data-participant-id'));
      return shown.length === expected.length && expected.every((id) => shown.includes(id));
    },
    ids,
    { timeout, polling: 50 },
  );
}

/** The average colour of the middle third of the first video matching `selector` (its decoded frames, whatever the tile crops). */
export async function videoRgb(page: Page, selector: string): Promise<[number, number, number] | null> {
  return page.evaluate((css) => {
    const video = document.querySelector<HTMLVideoElement>(css);
    if (!video || video.videoWidth === 0) return null;
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 18;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    // The middle third of the frame, away from the moving square at the top.
    const w = video.videoWidth;
    const h = video.videoHeight;
    context.drawImage(video, w / 3, h / 3, w / 3, h / 3, 0, 0, 32, 18);
    const data = context.getImageData(0, 0, 32, 18).data;
    let r = 0;
    let g = 0;
    let b = 0;
    for (let i = 0; i < data.length; i += 4) {
      r += data[i]!;
      g += data[i + 1]!;
      b += data[i + 2]!;
    }
    const n = data.length / 4;
    return [Math.round(r / n), Math.round(g / n), Math.round(b / n)] as [number, number, number];
  }, selector);
}

/** The average colour of the middle of a tile's video. */
export function tileRgb(page: Page, participantId: string): Promise<[number, number, number] | null> {
  return videoRgb(page, `[data-testid="tile"][data-participant-id="${participantId}"] video`);
}

/**
 * Waits until a tile shows video of the expected colour; returns what it saw last on timeout, and
 * prints both ends of the connection (the sender's too when `sender`, that participant's page, is given).
 */
export async function waitForTileColor(
  page: Page,
  participantId: string,
  expected: PatternColor,
  timeout = 20_000,
  sender?: Page,
): Promise<PatternColor | null> {
  const deadline = Date.now() + timeout;
  let seen: PatternColor | null = null;
  while (Date.now() < deadline) {
    const rgb = await tileRgb(page, participantId);
    seen = rgb ? nearestColor(rgb) : null;
    if (seen === expected) return seen;
    await page.waitForTimeout(100);
  }
  console.error(`tile ${participantId} never showed ${expected} (saw ${seen}):`, JSON.stringify(await describeTile(page, participantId)));
  if (sender) console.error(`…and the sender's side of that connection:`, JSON.stringify(await describeTile(sender, await selfId(page))));
  return seen;
}

/** What a page knows about one participant's tile and connection, for a failing test to print. */
export function describeTile(page: Page, participantId: string): Promise<unknown> {
  return page.evaluate(async (id) => {
    const tile = document.querySelector(`[data-testid="tile"][data-participant-id="${id}"]`);
    const video = tile?.querySelector('video');
    const diagnostics = (window as unknown as { roundtable: { participants(): unknown[]; link(id: string): Promise<unknown> } }).roundtable;
    return {
      tile: tile
        ? {
            attributes: { ...(tile as HTMLElement).dataset },
            video: video ? { width: video.videoWidth, readyState: video.readyState, showing: video.dataset['showing'] } : null,
          }
        : null,
      participants: diagnostics.participants(),
      link: await diagnostics.link(id),
    };
  }, participantId);
}

export interface PeerStats {
  audio: { packetsReceived: number };
  video: { framesDecoded: number; frameWidth: number; frameHeight: number };
}

export function peerStats(page: Page, participantId: string): Promise<PeerStats | null> {
  return page.evaluate((id) => (window as unknown as { roundtable: { stats(id: string): Promise<PeerStats | null> } }).roundtable.stats(id), participantId);
}

/** Opens the chat panel if it is closed. */
export async function openChat(page: Page): Promise<void> {
  if (!(await page.getByTestId('chat-panel').isVisible())) await page.getByTestId('chat-toggle').click();
  await page.getByTestId('chat-input').waitFor();
}

export async function sendChat(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('chat-input');
  await input.fill(text);
  await input.press('Enter');
}

/** The chat as shown: sender, text and delivery status of every message, in order. */
export function chatMessages(page: Page): Promise<Array<{ id: string; sender: string; text: string; status: string }>> {
  return page.$$eval('[data-testid="chat-message"]', (items) =>
    items.map((item) => ({
      id: item.getAttribute('data-message-id') ?? '',
      sender: item.querySelector('.chat-sender')?.textContent ?? '',
      text: item.querySelector('.chat-text')?.textContent ?? '',
      status: item.getAttribute('data-status') ?? '',
    })),
  );
}

/** Chromium's fake screen is a green test pattern: clearly not a red, blue or yellow camera. */
export const looksLikeFakeScreen = (rgb: [number, number, number] | null): boolean => rgb !== null && rgb[1] > rgb[0] + 60 && rgb[1] > rgb[2] + 60;

/** Waits until `viewer` shows `sharerId`'s share, with the share's own picture in it. */
export async function seesShare(viewer: Page, sharerId: string): Promise<boolean> {
  await tile(viewer, `${sharerId}:screen`).waitFor({ timeout: 20_000 });
  await expect.poll(async () => looksLikeFakeScreen(await tileRgb(viewer, `${sharerId}:screen`)), { timeout: 20_000 }).toBe(true);
  return true;
}

/** The remote participant's tile element. */
export function tile(page: Page, participantId: string) {
  return page.locator(`[data-testid="tile"][data-participant-id="${participantId}"]`);
}

/** Frame height of the video this page receives from `participantId` (getStats on the receiving side). */
export async function receivedFrameHeight(page: Page, participantId: string): Promise<number> {
  return (await peerStats(page, participantId))?.video.frameHeight ?? 0;
}

/**
 * Types and sends each text in the chat box as a user would (input events, then Enter), from
 * inside the page: hundreds of messages without Playwright's per-action round trips.
 */
export async function typeChatMessages(page: Page, texts: string[]): Promise<void> {
  await page.evaluate(async (all) => {
    const input = document.querySelector<HTMLTextAreaElement>('[data-testid="chat-input"]');
    if (!input) throw new Error('the chat is not open');
    const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
    for (const text of all) {
      setValue.call(input, text);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, 0));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }, texts);
}

/**
 * Turns this person's camera off from the meeting's toolbar, once the camera button knows its
 * state (while the camera is still opening it has none), and waits until it shows off.
 */
export async function turnCameraOff(page: Page, timeout = 15_000): Promise<void> {
  const toggle = page.locator('[data-testid="camera-toggle"][aria-pressed]');
  await toggle.waitFor({ timeout });
  if ((await toggle.getAttribute('aria-pressed')) === 'false') await toggle.click();
  await page.locator('[data-testid="camera-toggle"][aria-pressed="true"]').waitFor({ timeout });
}
