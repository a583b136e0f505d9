/**
 * Meeting records end to end (issue 22): a scripted meeting in Chromium — the host runs a waiting
 * room, Gus waits about 3 s before being let in, Lea is let in and leaves early — then the host
 * opens the Meeting record from the people panel and exports it: the CSV has the record's columns
 * and a row for each of them, with Gus's wait.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { joinMeeting, meetingUrl, selfId, waitForRemoteTiles } from './support/meeting-page';

let server: MeetingServer;
let host: Participant;
beforeAll(async () => {
  server = await startMeetingServer();
  host = await launchParticipant({ color: 'red' });
  await joinMeeting(host.page, server.url, 'records', 'Hana Host');
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

const inMeeting: string[] = [];

async function admitted(name: string, color: 'blue' | 'yellow', waitMs: number): Promise<Participant> {
  const guest = await launchParticipant({ color });
  await guest.page.goto(meetingUrl(server.url, 'records', name));
  await guest.page.getByTestId('waiting-screen').waitFor({ timeout: 20_000 });
  await host.page.getByTestId('waiting-person').filter({ hasText: name }).waitFor({ timeout: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  await host.page.getByTestId('waiting-person').filter({ hasText: name }).getByTestId('admit-button').click();
  inMeeting.push(await selfId(guest.page));
  await waitForRemoteTiles(host.page, inMeeting);
  return guest;
}

describe('the meeting record', () => {
  it('shows the host who came, who waited how long and who left, and exports it as CSV', async () => {
    await host.page.getByTestId('people-toggle').click();
    await host.page.getByTestId('waiting-room-toggle').click();
    await expect.poll(() => host.page.getByTestId('waiting-room-toggle').isChecked()).toBe(true);
    await host.page.getByTestId('people-toggle').click();

    await admitted('Gus Guest', 'blue', 3_000);
    const lea = await admitted('Lea Early', 'yellow', 0);
    await lea.page.getByTestId('leave-button').click();
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    await host.page.getByTestId('people-toggle').click();
    await host.page.getByTestId('open-meeting-record').click();
    const dialog = host.page.getByTestId('meeting-record-dialog');
    await expect.poll(() => dialog.getByTestId('meeting-record-row').count(), { timeout: 10_000 }).toBe(3);
    expect(await dialog.textContent()).toContain('Gus Guest');

    const [saved] = await Promise.all([host.page.waitForEvent('download'), dialog.getByTestId('record-export-csv').click()]);
    const path = join(tmpdir(), `roundtable-record-${Date.now()}.csv`);
    await saved.saveAs(path);
    const lines = readFileSync(path, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('name,joined,left,waited ms,admitted/denied,speaking ms,median rtt ms,loss %');
    const row = (name: string): string[] => lines.find((line) => line.startsWith(`${name},`))!.split(',');
    expect(row('Hana Host')[2]).toBe('');
    const gus = row('Gus Guest');
    expect(gus[4]).toBe('admitted');
    expect(Math.abs(Number(gus[3]) - 3_000)).toBeLessThan(1_000);
    const early = row('Lea Early');
    expect(early[2]).not.toBe('');
    expect(saved.suggestedFilename()).toMatch(/^meeting-records-.*\.csv$/);
  });
});
