import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { joinMeeting, meetingUrl, remoteTileIds, selfId, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';

/** The meeting in the address bar: a reload comes back as the same person, and anyone can copy the invite. */
let server: MeetingServer;
let ada: Participant;
let bob: Participant;
beforeAll(async () => {
  server = await startMeetingServer();
  ada = await launchParticipant({ color: 'red' });
  bob = await launchParticipant({ color: 'blue' });
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

describe('the meeting in the address bar', () => {
  it('shows the meeting (not the passcode or the name), and a reload rejoins the same meeting as the same person', async () => {
    const adaId = await joinMeeting(ada.page, server.url, 'address-bar', 'Ada');
    await bob.page.goto(`${meetingUrl(server.url, 'address-bar', 'Bob', true, false)}&pwd=not-for-the-address-bar`);
    const bobId = await selfId(bob.page);
    await waitForRemoteTiles(ada.page, [bobId]);
    expect(new URL(bob.page.url()).search).toBe('?room=address-bar');

    await bob.page.reload();
    expect(await selfId(bob.page)).toBe(bobId);
    await waitForRemoteTiles(bob.page, [adaId]);
    expect(await waitForTileColor(bob.page, adaId, 'red')).toBe('red');
    // Ada sees him once, the same person, his video back.
    expect(await remoteTileIds(ada.page)).toEqual([bobId]);
    expect(await waitForTileColor(ada.page, bobId, 'blue')).toBe('blue');
    expect(new URL(bob.page.url()).search).toBe('?room=address-bar');
  });

  it('leaving clears it: a reload then stays out', async () => {
    await bob.page.getByTestId('leave-button').click();
    const leaveOnly = bob.page.getByTestId('leave-only');
    if (await leaveOnly.isVisible()) await leaveOnly.click();
    await bob.page.getByTestId('left-screen').waitFor();
    await bob.page.reload();
    await bob.page.getByTestId('join-button').waitFor();
    expect(await bob.page.getByTestId('leave-button').count()).toBe(0);
  });

  it('everyone in the meeting can copy an invite link to it', async () => {
    await ada.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await ada.page.getByTestId('meeting-info-button').click();
    expect(await ada.page.getByTestId('invite-link').inputValue()).toBe(`${server.url}/?room=address-bar`);
    await ada.page.getByTestId('copy-invite').click();
    await expect.poll(() => ada.page.getByTestId('meeting-info').getByRole('status').textContent()).toBe('Copied');
    expect(await ada.page.evaluate(() => navigator.clipboard.readText())).toBe(`${server.url}/?room=address-bar`);

    // A guest (Bob came by an invitation, not as its host) copies it the same way, and the link
    // he copies brings him back into this meeting.
    await bob.page.getByTestId('join-button').click();
    const bobId = await selfId(bob.page);
    await bob.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await bob.page.getByTestId('meeting-info-button').click();
    await bob.page.getByTestId('copy-invite').click();
    await expect.poll(() => bob.page.getByTestId('meeting-info').getByRole('status').textContent()).toBe('Copied');
    const copied = await bob.page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(`${server.url}/?room=address-bar`);
    expect(await ada.page.evaluate(() => (window as unknown as { roundtable: { hostId(): string | null } }).roundtable.hostId())).not.toBe(bobId);
  });
});
