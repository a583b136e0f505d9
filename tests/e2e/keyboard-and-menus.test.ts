import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { chatMessages, joinMeeting, meetingUrl, openChat, selfId, sendChat, tile, waitForRemoteTiles } from './support/meeting-page';

// Issue 18, what a new user tripped over at the keyboard: Space taken from buttons, menus that
// ignored the keyboard, a help dialog that did not hold focus, destructive actions without a
// question, and a meeting that starts with focus nowhere.

let server: MeetingServer;
let ada: Participant; // hosts: she came first
let bob: Participant;
let adaId: string;
let bobId: string;
const ROOM = 'keyboard';

beforeAll(async () => {
  server = await startMeetingServer();
  ada = await launchParticipant({ color: 'red' });
  bob = await launchParticipant({ color: 'blue' });
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

/** What has focus: its test id, role, name and whether it is inside the element with `within`'s test id. */
function focused(page: Page, within?: string): Promise<{ testId: string | null; role: string | null; label: string | null; text: string; inside: boolean }> {
  return page.evaluate((container) => {
    const element = document.activeElement;
    const root = container ? document.querySelector(`[data-testid="${container}"]`) : null;
    return {
      testId: element?.getAttribute('data-testid') ?? null,
      role: element?.getAttribute('role') ?? null,
      label: element?.getAttribute('aria-label') ?? null,
      text: element?.textContent?.trim() ?? '',
      inside: root !== null && element !== null && root.contains(element),
    };
  }, within);
}

const micMuted = async (page: Page): Promise<boolean> => (await page.getByTestId('mic-toggle').getAttribute('aria-pressed')) === 'true';

describe('starting in the meeting', () => {
  it('after joining, focus is on the meeting stage (a labelled region), not the page body', async () => {
    adaId = await joinMeeting(ada.page, server.url, ROOM, 'Ada');
    // Bob joins as a new user does: through the pre-join screen and its button.
    await bob.page.goto(meetingUrl(server.url, ROOM, 'Bob', false));
    await bob.page.locator('[data-testid="join-button"]:enabled').click();
    bobId = await selfId(bob.page);
    await waitForRemoteTiles(ada.page, [bobId]);
    await waitForRemoteTiles(bob.page, [adaId]);
    for (const page of [ada.page, bob.page]) {
      await expect.poll(async () => (await focused(page)).testId).toBe('stage');
      expect(await focused(page)).toMatchObject({ role: 'region', label: 'Meeting stage' });
    }
  });
});

describe('Space', () => {
  it('presses a focused button instead of talking; with nothing focused, holding it talks while muted', async () => {
    const page = ada.page;
    if (!(await micMuted(page))) await page.getByTestId('mic-toggle').click();
    await expect.poll(() => tile(bob.page, adaId).getByTestId('muted-icon').count()).toBe(1);

    // A focused button: Space is the button's, not push-to-talk.
    await page.getByTestId('hand-toggle').focus();
    await page.keyboard.down('Space');
    await page.waitForTimeout(400);
    expect(await page.getByTestId('push-to-talk').count()).toBe(0);
    expect(await micMuted(page)).toBe(true);
    await page.keyboard.up('Space');
    await expect.poll(() => page.getByTestId('hand-toggle').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => tile(bob.page, adaId).getByTestId('hand-badge').count()).toBe(1);
    expect(await micMuted(page)).toBe(true);
    expect(await tile(bob.page, adaId).getByTestId('muted-icon').count()).toBe(1);
    // Again, to lower it: still no talking.
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('hand-toggle').getAttribute('aria-pressed')).toBe('false');
    expect(await micMuted(page)).toBe(true);

    // A checkbox (the host's waiting-room switch) gets its Space too.
    await page.getByTestId('people-toggle').click();
    const toggle = page.getByTestId('waiting-room-toggle');
    const before = await toggle.isChecked();
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => toggle.isChecked()).toBe(!before);
    expect(await page.getByTestId('push-to-talk').count()).toBe(0);
    await page.keyboard.press('Space');
    await expect.poll(() => toggle.isChecked()).toBe(before);
    await page.getByTestId('people-toggle').click();

    // Nothing focused (the page body): holding Space talks, letting go mutes again.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect((await focused(page)).testId).toBeNull();
    await page.keyboard.down('Space');
    await expect.poll(() => page.getByTestId('push-to-talk').count()).toBe(1);
    expect(await micMuted(page)).toBe(false);
    await expect.poll(() => tile(bob.page, adaId).getByTestId('muted-icon').count()).toBe(0);
    await page.keyboard.up('Space');
    await expect.poll(() => micMuted(page)).toBe(true);
    await expect.poll(() => tile(bob.page, adaId).getByTestId('muted-icon').count()).toBe(1);

    // On the stage (where focus starts), too.
    await page.getByTestId('stage').focus();
    await page.keyboard.down('Space');
    await expect.poll(() => micMuted(page)).toBe(false);
    await page.keyboard.up('Space');
    await expect.poll(() => micMuted(page)).toBe(true);
  });
});

describe('the chat', () => {
  it('is a polite live log with a label; a new message leaves the messages already shown in place', async () => {
    const page = bob.page;
    await openChat(page);
    const list = page.getByTestId('chat-list');
    expect(await list.getAttribute('role')).toBe('log');
    expect(await list.getAttribute('aria-live')).toBe('polite');
    expect(await list.getAttribute('aria-label')).toBeTruthy();
    await openChat(ada.page);
    await sendChat(ada.page, 'first');
    await expect.poll(async () => (await chatMessages(page)).map((m) => m.text)).toEqual(['first']);
    // Screen readers announce what is added: the history must stay the same nodes, not be rendered anew.
    await page.evaluate(() => Object.assign(document.querySelector('[data-testid="chat-message"]')!, { marked: true }));
    await sendChat(ada.page, 'second');
    await expect.poll(async () => (await chatMessages(page)).map((m) => m.text)).toEqual(['first', 'second']);
    expect(await page.evaluate(() => (document.querySelector('[data-testid="chat-message"]') as unknown as { marked?: boolean }).marked)).toBe(true);
    await page.getByTestId('chat-toggle').click();
    await ada.page.getByTestId('chat-toggle').click();
  });
});
