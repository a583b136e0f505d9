import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { chatMessages, joinMeeting, meetingUrl, openChat, selfId, sendChat, tile, waitForRemoteTiles } from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';

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
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
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

const focusedText = async (page: Page): Promise<string> => (await focused(page)).text;
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

    // Typing in the chat box: Space is a space in the message.
    await page.getByTestId('chat-toggle').click();
    const input = page.getByTestId('chat-input');
    await input.focus();
    await page.keyboard.type('hello there');
    expect(await input.inputValue()).toBe('hello there');
    expect(await page.getByTestId('push-to-talk').count()).toBe(0);
    expect(await micMuted(page)).toBe(true);
    await input.fill('');
    await page.getByTestId('chat-toggle').click();

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

/** Checks a menu button's ARIA state and the menu's keyboard: arrows (wrapping), Home/End, Esc back to the button, Tab out, a click outside. */
async function checkMenu(
  page: Page,
  buttonTestId: string,
  items: string[],
  arrows: { next: string; previous: string } = { next: 'ArrowDown', previous: 'ArrowUp' },
) {
  const button = page.getByTestId(buttonTestId).first();
  expect(await button.getAttribute('aria-haspopup')).toBe('menu');
  expect(await button.getAttribute('aria-expanded')).toBe('false');

  await button.click();
  expect(await button.getAttribute('aria-expanded')).toBe('true');
  const controls = await button.getAttribute('aria-controls');
  expect(controls).toBeTruthy();
  const menu = page.locator(`[id="${controls}"]`);
  expect(await menu.getAttribute('role')).toBe('menu');
  // Focus is on the first item.
  await expect.poll(() => focusedText(page)).toBe(items[0]);
  expect((await focused(page)).role).toBe('menuitem');

  await page.keyboard.press(arrows.next);
  expect(await focusedText(page)).toBe(items[1]);
  await page.keyboard.press(arrows.previous);
  expect(await focusedText(page)).toBe(items[0]);
  await page.keyboard.press(arrows.previous); // wraps to the last
  expect(await focusedText(page)).toBe(items[items.length - 1]);
  await page.keyboard.press(arrows.next); // and back to the first
  expect(await focusedText(page)).toBe(items[0]);
  await page.keyboard.press('End');
  expect(await focusedText(page)).toBe(items[items.length - 1]);
  await page.keyboard.press('Home');
  expect(await focusedText(page)).toBe(items[0]);

  // Esc closes the menu, only the menu, and focus is back on its button.
  await page.keyboard.press('Escape');
  await expect.poll(() => menu.count()).toBe(0);
  expect(await button.getAttribute('aria-expanded')).toBe('false');
  expect((await focused(page)).testId).toBe(buttonTestId);

  // From the keyboard: Enter opens it (focus on the first item), Tab closes it.
  await page.keyboard.press('Enter');
  await expect.poll(() => focusedText(page)).toBe(items[0]);
  await page.keyboard.press('Tab');
  await expect.poll(() => menu.count()).toBe(0);
  expect(await button.getAttribute('aria-expanded')).toBe('false');

  // ArrowUp on the button opens it on the last item.
  await button.focus();
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => focusedText(page)).toBe(items[items.length - 1]);
  await page.keyboard.press('Escape');
  await expect.poll(() => menu.count()).toBe(0);

  // A click outside closes it.
  await button.click();
  await expect.poll(() => menu.count()).toBe(1);
  await page.locator('.meeting-header').click({ position: { x: 300, y: 10 } });
  await expect.poll(() => menu.count()).toBe(0);
  expect(await button.getAttribute('aria-expanded')).toBe('false');
}

describe('menus', () => {
  it('the reactions picker is a menu of emoji: arrows, Esc back to the button, a click outside; Enter and Space react', async () => {
    const page = bob.page;
    await checkMenu(page, 'reaction-button', await reactionLabels(page), { next: 'ArrowRight', previous: 'ArrowLeft' });
    // Enter on an item reacts and closes the menu, focus back on the button.
    await page.getByTestId('reaction-button').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowRight');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/reactions-menu-open.png` });
    const chosen = await focusedText(page);
    await page.keyboard.press('Enter');
    await expect.poll(() => tile(ada.page, bobId).getByTestId('reaction-burst').textContent()).toContain(chosen);
    expect(await page.getByTestId('reaction-choice').count()).toBe(0);
    expect((await focused(page)).testId).toBe('reaction-button');
    // Space on an item reacts too (and is not push-to-talk).
    await expect.poll(() => tile(ada.page, bobId).getByTestId('reaction-burst').count(), { timeout: 6000 }).toBe(0);
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    const last = await focusedText(page);
    await page.keyboard.press('Space');
    await expect.poll(() => tile(ada.page, bobId).getByTestId('reaction-burst').textContent()).toContain(last);
    expect(await page.getByTestId('push-to-talk').count()).toBe(0);
  });

  it('the host’s Leave menu', async () => {
    await checkMenu(ada.page, 'leave-button', ['Leave (someone else hosts)', 'End the meeting for everyone']);
    await ada.page.getByTestId('leave-button').focus();
    await ada.page.keyboard.press('Enter');
    await ada.page.getByTestId('end-for-all').waitFor();
    await ada.page.screenshot({ path: `${SCREENSHOT_DIR}/leave-menu-open.png` });
    await ada.page.keyboard.press('Escape');
    // A guest's Leave button opens no menu.
    expect(await bob.page.getByTestId('leave-button').getAttribute('aria-haspopup')).toBeNull();
  });

  it('the host’s “⋯” menu: Esc closes the menu and leaves the People panel open', async () => {
    const page = ada.page;
    await page.getByTestId('people-toggle').click();
    await page.getByTestId('participants-panel').waitFor();
    const row = page.locator(`[data-testid="participant-row"][data-participant-id="${bobId}"]`);
    await row.getByTestId('host-actions').click();
    const items = await page.locator('[role="menu"] [role="menuitem"]').allTextContents();
    expect(items).toContain('Remove Bob');
    await page.keyboard.press('Escape');
    await checkMenu(page, 'host-actions', items);
    // Opened from the keyboard, the menu shows which item has focus; it is not clipped by the list.
    await row.getByTestId('host-actions').focus();
    await page.keyboard.press('Enter');
    await page.locator('[role="menu"]').waitFor();
    await page.keyboard.press('End');
    expect(await page.getByTestId('host-remove').isVisible()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/host-menu-open.png` });
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('participants-panel').isVisible()).toBe(true);
    // A second Esc, with no menu open, closes the panel as before.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('participants-panel').count()).toBe(0);
  });
});

/** The emoji of the reactions menu, in order (opens and closes it). */
async function reactionLabels(page: Page): Promise<string[]> {
  await page.getByTestId('reaction-button').click();
  const labels = await page.getByTestId('reaction-choice').allTextContents();
  await page.getByTestId('reaction-button').click();
  await expect.poll(() => page.getByTestId('reaction-choice').count()).toBe(0);
  return labels;
}

describe('the keyboard shortcuts dialog', () => {
  it('takes focus, keeps Tab and Shift+Tab inside, closes on Esc and gives focus back', async () => {
    const page = bob.page;
    const help = page.getByTestId('help-button');
    await help.click();
    const dialog = page.getByTestId('help-overlay');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await dialog.getAttribute('role')).toBe('dialog');
    await expect.poll(async () => (await focused(page, 'help-overlay')).inside).toBe(true);
    for (let i = 0; i < 5; i += 1) {
      await page.keyboard.press('Tab');
      expect((await focused(page, 'help-overlay')).inside).toBe(true);
    }
    for (let i = 0; i < 5; i += 1) {
      await page.keyboard.press('Shift+Tab');
      expect((await focused(page, 'help-overlay')).inside).toBe(true);
    }
    // The meeting's shortcuts are off inside it.
    await page.keyboard.press('h');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('hand-toggle').getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await focused(page)).testId).toBe('help-button');

    // Opened with "?" from the stage, it gives focus back to the stage.
    await page.getByTestId('stage').focus();
    await page.keyboard.press('?');
    await dialog.waitFor();
    await expect.poll(async () => (await focused(page, 'help-overlay')).inside).toBe(true);
    await page.keyboard.press('Enter'); // "Got it"
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await focused(page)).testId).toBe('stage');
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

describe('destructive actions ask first', () => {
  it('Remove: Cancel (the default) leaves them in; confirming removes them', async () => {
    const page = ada.page;
    await page.getByTestId('people-toggle').click();
    const row = page.locator(`[data-testid="participant-row"][data-participant-id="${bobId}"]`);
    await row.getByTestId('host-actions').click();
    await page.getByTestId('host-remove').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('role')).toBe('alertdialog');
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await dialog.textContent()).toContain('Remove Bob');
    await expect.poll(async () => (await focused(page)).testId).toBe('cancel-button');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/confirm-remove.png` });
    // Focus stays in the dialog.
    await page.keyboard.press('Tab');
    expect((await focused(page, 'confirm-dialog')).inside).toBe(true);
    await page.keyboard.press('Tab');
    expect((await focused(page)).testId).toBe('cancel-button');
    // Enter on Cancel: nothing happens to Bob; the People panel stays open.
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await focused(page)).testId).toBe('host-actions');
    await page.waitForTimeout(1000);
    expect(await row.count()).toBe(1);
    expect(await bob.page.getByTestId('leave-button').isVisible()).toBe(true);
    // Esc cancels too, and closes only the dialog.
    await row.getByTestId('host-actions').click();
    await page.getByTestId('host-remove').click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.getByTestId('participants-panel').isVisible()).toBe(true);
    expect(await row.count()).toBe(1);

    await row.getByTestId('host-actions').click();
    await page.getByTestId('host-remove').click();
    await page.getByTestId('confirm-button').click();
    await expect.poll(() => bob.page.getByTestId('ended-reason').textContent()).toContain('removed you');
    await expect.poll(() => row.count()).toBe(0);
  });

  it('End the meeting for everyone: Cancel keeps the meeting; confirming ends it for all', async () => {
    const cy = await launchParticipant({ color: 'green' });
    const cyId = await joinMeeting(cy.page, server.url, ROOM, 'Cy');
    await waitForRemoteTiles(ada.page, [cyId]);
    const page = ada.page;
    await page.getByTestId('leave-button').click();
    await page.getByTestId('end-for-all').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    await expect.poll(async () => (await focused(page)).testId).toBe('cancel-button');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/confirm-end-for-all.png` });
    await page.getByTestId('cancel-button').click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await focused(page)).testId).toBe('leave-button');
    await page.waitForTimeout(1000);
    expect(await cy.page.getByTestId('leave-button').isVisible()).toBe(true);
    expect(await page.getByTestId('leave-button').isVisible()).toBe(true);

    await page.getByTestId('leave-button').click();
    await page.getByTestId('end-for-all').click();
    await page.getByTestId('confirm-button').click();
    await expect.poll(() => cy.page.getByTestId('ended-reason').textContent(), { timeout: 10_000 }).toBe('The host ended the meeting for everyone.');
    await expect.poll(() => page.getByTestId('ended-reason').textContent(), { timeout: 10_000 }).toBe('The host ended the meeting for everyone.');
  });
});
