import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { chatMessages, meetingUrl, openChat, selfId, sendChat, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';
import { delayRequest } from './support/signal-tampering';

/** What a person sees of the meeting's privacy rules: waiting for a host, starting it, a ban, a kept chat. */
let server: MeetingServer;
let ada: Participant;
let bob: Participant;
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

describe('a private meeting', () => {
  it('someone who opens the link before the host waits, and is in (with video) once the host starts it', async () => {
    await bob.page.goto(meetingUrl(server.url, 'early-bird', 'Bob', true, false));
    await bob.page.getByTestId('waiting-screen').waitFor({ timeout: 20_000 });
    expect(await bob.page.getByTestId('waiting-screen').textContent()).toContain('Waiting for the host');
    const adaId = await (async () => {
      await ada.page.goto(meetingUrl(server.url, 'early-bird', 'Ada'));
      return selfId(ada.page);
    })();
    const bobId = await selfId(bob.page);
    await waitForRemoteTiles(bob.page, [adaId]);
    await waitForRemoteTiles(ada.page, [bobId]);
    expect(await waitForTileColor(bob.page, adaId, 'red')).toBe('red');
  });

  it('someone waiting for a meeting nobody started can start it', async () => {
    await bob.page.goto(meetingUrl(server.url, 'nobody-yet', 'Bob', true, false));
    await bob.page.getByTestId('start-meeting').waitFor();
    await bob.page.screenshot({ path: `${SCREENSHOT_DIR}/waiting-for-host.png` });
    await bob.page.getByTestId('start-meeting').click();
    const bobId = await selfId(bob.page);
    await ada.page.goto(meetingUrl(server.url, 'nobody-yet', 'Ada', true, false));
    const adaId = await selfId(ada.page);
    await waitForRemoteTiles(bob.page, [adaId]);
    // Bob started it: Bob hosts it.
    expect(server.signaling.meetings.get('nobody-yet')?.hostId).toBe(bobId);
  });

  it('someone removed is told, stays out when they try again, and is back once the host lets them', async () => {
    await ada.page.goto(meetingUrl(server.url, 'no-second-chance', 'Ada'));
    await selfId(ada.page);
    await bob.page.goto(meetingUrl(server.url, 'no-second-chance', 'Bob', true, false));
    const bobId = await selfId(bob.page);
    await ada.page.getByTestId('people-toggle').click();
    const row = ada.page.locator(`[data-testid="participant-row"][data-participant-id="${bobId}"]`);
    await row.getByTestId('host-actions').click();
    await ada.page.getByTestId('host-remove').click();
    await ada.page.getByTestId('confirm-button').click(); // "Remove Bob?"
    await expect.poll(() => bob.page.getByTestId('ended-reason').textContent()).toContain('removed you');

    // Trying again (same browser, same identity) is refused, with the reason.
    await bob.page.getByTestId('rejoin-button').click();
    await bob.page.getByTestId('join-button').click();
    await expect.poll(() => bob.page.getByRole('alert').textContent()).toContain('removed you');
    // The host sees who is out, and lets him back.
    await ada.page.getByTestId('banned-list').waitFor();
    await ada.page.screenshot({ path: `${SCREENSHOT_DIR}/banned-list.png` });
    await ada.page.locator(`[data-testid="banned-row"][data-participant-id="${bobId}"]`).getByTestId('unban-button').click();
    await expect.poll(() => ada.page.getByTestId('banned-row').count()).toBe(0);
    await bob.page.getByTestId('join-button').click();
    await bob.page.getByTestId('leave-button').waitFor();
    expect(await selfId(bob.page)).toBe(bobId);
  });

  it('a kept chat is there when the host starts the meeting again, and nobody else can start it', async () => {
    await ada.page.goto(meetingUrl(server.url, 'standing-meeting', 'Ada'));
    await selfId(ada.page);
    await ada.page.getByTestId('people-toggle').click();
    await ada.page.getByTestId('keep-chat-toggle').check();
    await expect.poll(() => ada.page.getByTestId('keep-chat-toggle').isChecked()).toBe(true);
    await openChat(ada.page);
    await sendChat(ada.page, 'decisions: ship on Friday');
    await expect.poll(async () => (await chatMessages(ada.page)).map((m) => m.status)).toEqual(['sent']);
    await ada.page.getByTestId('leave-button').click();
    await ada.page.getByTestId('end-for-all').click();
    await ada.page.getByTestId('confirm-button').click();
    await ada.page.getByTestId('left-screen').waitFor();

    // Bob (another browser) cannot start it: he waits.
    await bob.page.goto(meetingUrl(server.url, 'standing-meeting', 'Bob'));
    await bob.page.getByTestId('waiting-screen').waitFor({ timeout: 20_000 });
    // Ada comes back later, in a new tab (her identity kept): the same meeting, its chat, and Bob gets in.
    const page = await ada.page.context().newPage();
    await ada.page.close();
    ada.page = page;
    await page.goto(meetingUrl(server.url, 'standing-meeting', 'Ada'));
    await selfId(page);
    await openChat(page);
    await expect.poll(async () => (await chatMessages(page)).map((m) => m.text)).toEqual(['decisions: ship on Friday']);
    await bob.page.getByTestId('leave-button').waitFor({ timeout: 20_000 });
    await openChat(bob.page);
    await expect.poll(async () => (await chatMessages(bob.page)).map((m) => m.text)).toEqual(['decisions: ship on Friday']);
  });
});

describe("the host's meeting switches", () => {
  it('show the choice at once, while the server has yet to answer, and keep it once it has', async () => {
    const page = await ada.page.context().newPage();
    // The host's change reaches the server 1.5 s late, as over a slow link or from a busy machine.
    await page.addInitScript(delayRequest('host-settings', 1_500));
    try {
      await page.goto(meetingUrl(server.url, 'slow-switches', 'Ada'));
      await selfId(page);
      await page.getByTestId('people-toggle').click();
      const lock = page.getByTestId('lock-toggle');
      await lock.click();
      // Before the server knows: the switch is on, the meeting's own badge not yet.
      expect(await lock.isChecked()).toBe(true);
      expect(await page.getByTestId('locked-indicator').count()).toBe(0);
      await page.getByTestId('locked-indicator').waitFor();
      expect(await lock.isChecked()).toBe(true);
    } finally {
      await page.close();
    }
  });
});
