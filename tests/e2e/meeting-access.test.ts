import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { joinMeeting, meetingUrl, selfId, tile, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';

let server: MeetingServer;
let host: Participant;
let hostId: string;
beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startMeetingServer();
  host = await launchParticipant({ color: 'red' });
  hostId = await joinMeeting(host.page, server.url, 'access', 'Hana Host');
  await host.page.getByTestId('people-toggle').click();
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

describe('the waiting room', () => {
  it('holds a guest until the host admits them, with a badge for the host', async () => {
    await host.page.getByTestId('waiting-room-toggle').click();
    await expect.poll(() => host.page.getByTestId('waiting-room-toggle').isChecked()).toBe(true);
    await host.page.getByTestId('people-toggle').click(); // close the panel: the queue shows as a card

    const guest = await launchParticipant({ color: 'blue' });
    await guest.page.goto(meetingUrl(server.url, 'access', 'Gus Guest'));
    await expect.poll(() => guest.page.getByTestId('waiting-screen').textContent(), { timeout: 20_000 }).toContain('Waiting for the host');
    await expect.poll(() => host.page.getByTestId('waiting-badge').textContent()).toBe('1');
    await expect.poll(() => host.page.getByTestId('waiting-person').textContent()).toContain('Gus Guest');
    await host.page.screenshot({ path: `${SCREENSHOT_DIR}/waiting-room-host.png` });
    await guest.page.screenshot({ path: `${SCREENSHOT_DIR}/waiting-room-guest.png` });

    await host.page.getByTestId('admit-button').click();
    const guestId = await selfId(guest.page);
    await waitForRemoteTiles(guest.page, [hostId]);
    await waitForRemoteTiles(host.page, [guestId]);
    expect(await waitForTileColor(guest.page, hostId, 'red')).toBe('red');
    expect(await waitForTileColor(host.page, guestId, 'blue')).toBe('blue');
    expect(await host.page.getByTestId('waiting-badge').count()).toBe(0);
  });

  it('tells someone the host turned away', async () => {
    const other = await launchParticipant({ color: 'yellow' });
    await other.page.goto(meetingUrl(server.url, 'access', 'Mallory'));
    await other.page.getByTestId('waiting-screen').waitFor({ timeout: 20_000 });
    await host.page.getByTestId('deny-button').click();
    await expect.poll(() => other.page.getByTestId('ended-reason').textContent(), { timeout: 10_000 }).toBe('The host did not let you into the meeting.');
    await other.close();
  });
});

describe('a passcode', () => {
  it('refuses a wrong one with a clear message, slows guessing, and lets the right one in', async () => {
    await host.page.getByTestId('people-toggle').click();
    await host.page.getByTestId('waiting-room-toggle').click();
    await expect.poll(() => host.page.getByTestId('waiting-room-toggle').isChecked()).toBe(false);
    await host.page.getByTestId('new-passcode').fill('blue whale');
    await host.page.getByTestId('new-passcode').press('Enter');
    await expect.poll(() => host.page.getByTestId('remove-passcode').isVisible()).toBe(true);

    const visitor = await launchParticipant({ color: 'magenta' });
    const { page } = visitor;
    await page.goto(meetingUrl(server.url, 'access', 'Vic Visitor', false));
    await page.locator('[data-testid="join-button"]:enabled').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This meeting has a passcode. Enter it to join.');
    await page.getByTestId('passcode-input').fill('orca');
    await page.getByTestId('join-button').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That passcode is not right.');
    // Guessing again at once is refused until the back-off has passed. Each wrong guess doubles it
    // (1 s, 2 s, 4 s…), so however slowly this machine types, a guess soon lands inside one.
    let said = (await page.getByRole('alert').textContent()) ?? '';
    let refused: RegExpMatchArray | null = null;
    for (let guess = 0; guess < 4 && !refused; guess += 1) {
      await page.getByTestId('passcode-input').fill(`narwhal ${guess}`);
      await page.getByTestId('join-button').click();
      const before = said;
      await expect.poll(async () => (said = (await page.getByRole('alert').textContent()) ?? '')).not.toBe(before);
      expect(said).toMatch(/That passcode is not right|Too many tries/);
      refused = said.match(/Too many tries.* try again in (\d+) s/);
    }
    expect(refused, `never refused for guessing too fast; last said: ${said}`).not.toBeNull();
    await page.waitForTimeout(Number(refused![1]) * 1000 + 200);
    await page.getByTestId('passcode-input').fill('blue whale');
    await page.getByTestId('join-button').click();
    const visitorId = await selfId(page);
    await expect.poll(() => tile(host.page, visitorId).count(), { timeout: 20_000 }).toBe(1);
  });
});

describe('host controls in the app', () => {
  it('the host mutes a guest and stops their video; the guest is told and their tile shows it', async () => {
    const rows = host.page.locator('[data-testid="participant-row"]:not(:has-text("(you)"))');
    const target = rows.filter({ hasText: 'Gus Guest' });
    await target.getByTestId('host-actions').click();
    await host.page.getByTestId('host-mute').click();
    await target.getByTestId('host-actions').click();
    await host.page.getByTestId('host-stop-video').click();
    const guestId = await target.getAttribute('data-participant-id');
    await expect.poll(() => tile(host.page, guestId!).getByTestId('muted-icon').count()).toBe(1);
    await expect.poll(() => tile(host.page, guestId!).getAttribute('data-video')).toBe('off');
    await host.page.screenshot({ path: `${SCREENSHOT_DIR}/host-controls.png` });
  });
});

describe('ending the meeting', () => {
  it('the host ends it for everyone from the leave menu; everyone is told', async () => {
    const guestPage = (await launchParticipant({ color: 'cyan' })).page;
    // The guest opens the same start=1 link the host did (New meeting's link, passed on).
    await guestPage.goto(meetingUrl(server.url, 'access', 'Last Guest'));
    await guestPage.getByTestId('passcode-input').waitFor({ timeout: 20_000 });
    await guestPage.getByTestId('passcode-input').fill('blue whale');
    await guestPage.getByTestId('join-button').click();
    await selfId(guestPage);
    await host.page.getByTestId('leave-button').click();
    await host.page.getByTestId('end-for-all').click();
    await host.page.getByTestId('confirm-button').click(); // "End the meeting for everyone?"
    await expect.poll(() => guestPage.getByTestId('ended-reason').textContent(), { timeout: 10_000 }).toBe('The host ended the meeting for everyone.');
    await expect.poll(() => host.page.getByTestId('ended-reason').textContent(), { timeout: 10_000 }).toBe('The host ended the meeting for everyone.');

    // Coming back never makes the guest the host of a new meeting behind their back (it did, with
    // start=1 in the link): Rejoin joins the meeting if someone runs it again, else waits for its host.
    expect(await guestPage.getByTestId('rejoin-button').textContent()).toBe('Rejoin');
    await guestPage.getByTestId('rejoin-button').click();
    await guestPage.getByTestId('join-button').click();
    await guestPage.getByTestId('waiting-screen').waitFor({ timeout: 20_000 });
    expect(await guestPage.evaluate(() => (window as unknown as { roundtable: { selfId(): string | null } }).roundtable.selfId())).toBeNull();

    // The one who started it is offered to start it again, in so many words; they become its host
    // and the waiting guest comes in.
    expect(await host.page.getByTestId('rejoin-button').textContent()).toBe('Start it again');
    await host.page.getByTestId('rejoin-button').click();
    await host.page.getByTestId('join-button').click();
    const again = await selfId(host.page);
    await expect
      .poll(() => host.page.evaluate(() => (window as unknown as { roundtable: { hostId(): string | null } }).roundtable.hostId()), { timeout: 10_000 })
      .toBe(again);
    const guestAgain = await selfId(guestPage);
    await waitForRemoteTiles(host.page, [guestAgain]);
  });
});
