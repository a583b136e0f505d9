/**
 * Meeting records end to end (issue 22): a scripted meeting in Chromium — the host runs a waiting
 * room, Gus waits about 3 s before being let in, Lea is let in at once and leaves early — then the
 * host opens the Meeting record from the people panel and exports it as CSV and JSON; after the
 * meeting ends, the host finds it again under past meetings on the home screen.
 *
 * Every time in the record is checked against the moment the script did the thing (±1 s): the
 * start, each join, Gus's wait, Lea's leave, the end. Speaking time: Gus speaks with Chromium's
 * fake microphone (a beep twice a second), Lea's microphone is on but plays silence (a WAV of
 * silence), so Gus's time is above zero and Lea's zero, each from a report their client really sent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingRecordView } from '@roundtable/signaling-server/protocol';
import { closeClients, connectClient, request } from '../../signaling-server/test/harness';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { meetingUrl, openChat, selfId, waitForRemoteTiles } from './support/meeting-page';
import { SCREENSHOT_DIR, WEB_ROOT } from './support/paths';
import { APP_CHANNELS } from '../../src/shared/ipc/app';
import { HOSTING_CHANNELS, type HostingStatus } from '../../src/shared/ipc/hosting';
import { MEETING_CHANNELS } from '../../src/shared/ipc/meeting';
import { SETTINGS_CHANNELS } from '../../src/shared/ipc/settings';
import { DesktopError } from '../../src/shared/ipc/result';
import { channelRunners } from '../../src/main/ipc/dispatch';
import { startDesktopRendererServer } from './support/desktop-platform';
import { exposeDesktop, idleHostingHandlers, testAppHandlers } from './support/test-desktop';
import { RECORDS_CHANNELS } from '../../src/shared/ipc/records';
import { createRecordsHandlers, hostingStoreRecords, RecordsService } from '../../src/main/services/records/records-service';
import { participantIdFromSecret, SqliteStore } from '@roundtable/signaling-server';

const ROOM = 'records';
const work = mkdtempSync(join(tmpdir(), 'roundtable-records-'));
let server: MeetingServer;
let host: Participant;
/** When the test saw the host in the meeting (it started it). */
let hostIn = 0;

beforeAll(async () => {
  server = await startMeetingServer();
  host = await launchParticipant({ color: 'red' });
  await host.page.goto(meetingUrl(server.url, ROOM, 'Hana Host'));
  await selfId(host.page);
  hostIn = Date.now();
});
afterAll(async () => {
  closeClients();
  await closeAllParticipants();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

const inMeeting: string[] = [];

interface Arrival {
  guest: Participant;
  /** When the guest's page showed the waiting screen (their wait began just before). */
  waitShown: number;
  /** When the host clicked Let in. */
  admittedAt: number;
}

/** `name` knocks, the host lets them in after `waitMs` (from when the host sees them waiting). */
async function admitted(name: string, color: 'blue' | 'yellow', waitMs: number, extraFlags: string[] = []): Promise<Arrival> {
  const guest = await launchParticipant({ color, extraFlags });
  await guest.page.goto(meetingUrl(server.url, ROOM, name));
  await guest.page.getByTestId('waiting-screen').waitFor({ timeout: 20_000 });
  const waitShown = Date.now();
  const knocking = host.page.getByTestId('waiting-person').filter({ hasText: name });
  await knocking.waitFor({ timeout: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const button = knocking.getByTestId('admit-button');
  await button.waitFor();
  const admittedAt = Date.now();
  await button.click();
  inMeeting.push(await selfId(guest.page));
  await waitForRemoteTiles(host.page, inMeeting);
  return { guest, waitShown, admittedAt };
}

/** The record as the host's identity reads it (the secret the host's browser kept), from the test. */
async function recordNow(): Promise<MeetingRecordView> {
  const secrets = await host.page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith('roundtable.hosted:'))
      .flatMap((key) => JSON.parse(localStorage.getItem(key) ?? '[]') as string[]),
  );
  const socket = await connectClient(server.url);
  try {
    const listed = await request(socket, 'meeting-records', { secrets });
    const [latest] = listed.meetings as Array<{ id: string }>;
    const reply = await request(socket, 'meeting-record', { id: latest!.id, secrets });
    return reply.record as MeetingRecordView;
  } finally {
    socket.close();
  }
}

async function exported(page: Page, kind: 'csv' | 'json'): Promise<{ text: string; name: string }> {
  const dialog = page.getByTestId('meeting-record-dialog');
  const [saved] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId(`record-export-${kind}`).click()]);
  const path = join(work, `record-${Date.now()}.${kind}`);
  await saved.saveAs(path);
  return { text: readFileSync(path, 'utf8'), name: saved.suggestedFilename() };
}

const person = (record: MeetingRecordView, name: string): MeetingRecordView['people'][number] => {
  const found = record.people.find((p) => p.name === name);
  expect(found, name).toBeDefined();
  return found!;
};

/** `actual` is within a second of when the script did it. */
const near = (actual: number | null | undefined, scripted: number, what: string): void => {
  expect(actual, what).not.toBeNull();
  expect(Math.abs(actual! - scripted), `${what}: ${actual} vs the script's ${scripted}`).toBeLessThanOrEqual(1_000);
};

describe('the meeting record', () => {
  it('holds who came when, who waited how long, who left, spoke and shared, in the dialog, the CSV and the JSON', async () => {
    const silence = join(work, 'silence.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono', '-t', '10', silence]);

    await host.page.getByTestId('people-toggle').click();
    await host.page.getByTestId('waiting-room-toggle').click();
    await expect.poll(() => host.page.getByTestId('waiting-room-toggle').isChecked()).toBe(true);
    await host.page.getByTestId('people-toggle').click();

    const gus = await admitted('Gus Guest', 'blue', 3_000);
    const lea = await admitted('Lea Early', 'yellow', 0, [`--use-file-for-fake-audio-capture=${silence}`]);

    // Gus shares a file in the chat.
    await openChat(gus.guest.page);
    await gus.guest.page.getByTestId('chat-file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('agenda\n') });
    await host.page.getByTestId('chat-toggle').click();
    await host.page.locator('[data-testid="chat-file"][data-file-name="notes.txt"]').waitFor({ timeout: 15_000 });
    await host.page.getByTestId('chat-toggle').click();

    // Lea stays until her client has reported (10 s in: a round trip measured), then leaves early.
    await expect.poll(async () => person(await recordNow(), 'Lea Early').quality.medianRttMs, { timeout: 30_000, interval: 1_000 }).not.toBeNull();
    const leaLeft = Date.now();
    await lea.guest.page.getByTestId('leave-button').click();
    // Gus's first report (10 s after he came in) has his speaking time.
    await expect.poll(async () => person(await recordNow(), 'Gus Guest').speakingMs, { timeout: 30_000, interval: 1_000 }).toBeGreaterThan(0);

    const running = await recordNow();
    near(running.startedAt, hostIn, 'the meeting started');
    expect(running.endedAt).toBeNull();
    const hana = person(running, 'Hana Host');
    expect(hana.host).toBe(true);
    near(hana.stints[0]?.joinedAt, hostIn, 'Hana joined');
    expect(hana.stints[0]?.leftAt).toBeNull();

    const gusRecord = person(running, 'Gus Guest');
    expect(gusRecord.waits).toHaveLength(1);
    expect(gusRecord.waits[0]!.outcome).toBe('admitted');
    near(gusRecord.waits[0]!.since, gus.waitShown, "Gus's wait began");
    near(gusRecord.waits[0]!.waitedMs, gus.admittedAt - gus.waitShown, 'Gus waited');
    expect(gusRecord.waits[0]!.waitedMs).toBeGreaterThanOrEqual(3_000);
    expect(gusRecord.stints).toHaveLength(1);
    near(gusRecord.stints[0]!.joinedAt, gus.admittedAt, 'Gus joined');
    expect(gusRecord.stints[0]!.leftAt).toBeNull();
    // Beeps are speech to the meter: some of his time, never more than he was there.
    expect(gusRecord.speakingMs).toBeGreaterThan(0);
    expect(gusRecord.speakingMs).toBeLessThanOrEqual(Date.now() - gus.admittedAt);
    expect(gusRecord.quality.degradedShare).not.toBeNull();
    expect(gusRecord.filesShared).toBe(1);
    expect(running.filesShared).toBe(1);

    const leaRecord = person(running, 'Lea Early');
    expect(leaRecord.waits.map((w) => w.outcome)).toEqual(['admitted']);
    near(leaRecord.waits[0]!.waitedMs, lea.admittedAt - lea.waitShown, 'Lea waited');
    expect(leaRecord.stints).toHaveLength(1);
    near(leaRecord.stints[0]!.joinedAt, lea.admittedAt, 'Lea joined');
    near(leaRecord.stints[0]!.leftAt, leaLeft, 'Lea left');
    // Her microphone was on all along, and silent.
    expect(leaRecord.speakingMs).toBe(0);

    // The host's dialog shows the same, and exports it.
    await host.page.getByTestId('people-toggle').click();
    await host.page.getByTestId('open-meeting-record').click();
    const dialog = host.page.getByTestId('meeting-record-dialog');
    await expect.poll(() => dialog.getByTestId('meeting-record-row').count(), { timeout: 10_000 }).toBe(3);
    const gusRow = dialog.getByTestId('meeting-record-row').filter({ hasText: 'Gus Guest' });
    expect(await gusRow.getByTestId('meeting-record-files').textContent()).toBe('1');
    expect(await gusRow.getByTestId('meeting-record-degraded').textContent()).toMatch(/^\d{1,3}$/);
    expect(await dialog.getByTestId('meeting-record-times').textContent()).toContain('1 file shared');
    await host.page.screenshot({ path: `${SCREENSHOT_DIR}/meeting-record.png` });

    const csv = await exported(host.page, 'csv');
    expect(csv.name).toMatch(/^meeting-records-.*\.csv$/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'name,joined,left,waited ms,admitted/denied,speaking ms,median rtt ms,loss %,video degraded %,recordings,recorded ms,files shared,meeting started,meeting ended',
    );
    expect(lines).toHaveLength(4);
    const row = (name: string): string[] => lines.find((line) => line.startsWith(`${name},`))!.split(',');
    const ms = (iso: string | undefined): number => Date.parse(iso ?? '');
    expect(row('Hana Host')[2]).toBe('');
    const gusCsv = row('Gus Guest');
    expect(gusCsv[4]).toBe('admitted');
    near(Number(gusCsv[3]), gus.admittedAt - gus.waitShown, 'Gus waited (CSV)');
    near(ms(gusCsv[1]), gus.admittedAt, 'Gus joined (CSV)');
    expect(Number(gusCsv[5])).toBeGreaterThan(0);
    expect(gusCsv[8]).toMatch(/^\d+(\.\d)?$/);
    expect(gusCsv[11]).toBe('1');
    near(ms(gusCsv[12]), hostIn, 'the meeting started (CSV)');
    expect(gusCsv[13]).toBe('');
    const leaCsv = row('Lea Early');
    near(ms(leaCsv[2]), leaLeft, 'Lea left (CSV)');
    expect(leaCsv[5]).toBe('0');

    const json = await exported(host.page, 'json');
    expect(json.name).toMatch(/^meeting-records-.*\.json$/);
    const parsed = JSON.parse(json.text) as MeetingRecordView;
    expect(parsed).toMatchObject({ id: running.id, code: ROOM, startedAt: running.startedAt, endedAt: null, filesShared: 1 });
    expect(parsed.people.map((p) => p.name).sort()).toEqual(['Gus Guest', 'Hana Host', 'Lea Early']);
    for (const p of parsed.people) {
      expect(Object.keys(p).sort()).toEqual(['filesShared', 'host', 'id', 'name', 'quality', 'recordings', 'speakingMs', 'stints', 'waits']);
      expect(Object.keys(p.quality).sort()).toEqual(['degradedShare', 'lossPct', 'medianRttMs']);
    }
    expect(person(parsed, 'Lea Early').stints[0]!.leftAt).toBe(leaRecord.stints[0]!.leftAt);
    await dialog.getByTestId('record-close').click();

    // The host ends the meeting; on the home screen, it is among the meetings they hosted, with its end.
    await host.page.getByTestId('leave-button').click();
    await host.page.getByTestId('end-for-all').click();
    const endedAt = Date.now();
    await host.page.getByTestId('confirm-button').click();
    await gus.guest.page.getByTestId('ended-reason').waitFor({ timeout: 10_000 });
    await host.page.goto(server.url);
    await host.page.getByTestId('past-meeting').first().waitFor({ timeout: 15_000 });
    await host.page.getByTestId('past-meeting-open').first().click();
    await expect.poll(() => host.page.getByTestId('meeting-record-row').count(), { timeout: 10_000 }).toBe(3);
    await host.page.screenshot({ path: `${SCREENSHOT_DIR}/meeting-record-past.png` });
    const ended = JSON.parse((await exported(host.page, 'json')).text) as MeetingRecordView;
    expect(ended.id).toBe(running.id);
    near(ended.endedAt, endedAt, 'the meeting ended');
    for (const name of ['Hana Host', 'Gus Guest']) near(person(ended, name).stints[0]!.leftAt, endedAt, `${name} left at the end`);
    const endedRow = (await exported(host.page, 'csv')).text.split('\r\n')[1]!.split(',');
    near(ms(endedRow[13]), endedAt, 'the meeting ended (CSV)');
  });
});

describe("the desktop host's home screen", () => {
  const hosting: HostingStatus = {
    state: 'hosting',
    port: 8443,
    participants: 5,
    announced: true,
    self: { server: 'https://127.0.0.1:8443', room: 'calm-otter-42', fingerprint: 'fp' },
    invite: {
      code: 'calm-otter-42',
      meetingName: 'Встреча: Ada',
      fingerprint: 'fp',
      fingerprintText: 'AB:CD:EF:01',
      links: [{ address: '192.168.1.20', url: 'https://192.168.1.20:8443/?room=calm-otter-42&fp=fp' }],
    },
  };
  const notHere = (): never => {
    throw new DesktopError('unavailable', 'not in this test');
  };

  it('in Russian, keeps the hosting card’s buttons inside it (they wrap)', async () => {
    const window = await launchParticipant({ color: 'green' });
    const renderer = await startDesktopRendererServer(WEB_ROOT);
    const sections = { app: APP_CHANNELS, hosting: HOSTING_CHANNELS, meeting: MEETING_CHANNELS, settings: SETTINGS_CHANNELS };
    const runners = channelRunners(sections, {
      ...testAppHandlers('0.0.0-test'),
      'hosting:status': () => hosting,
      'hosting:discovered': () => [],
      'hosting:start': notHere,
      'hosting:stop': notHere,
      'hosting:copy-invite': notHere,
      'hosting:resolve-invite': notHere,
      'meeting:report': () => undefined,
      'settings:language': () => ({ setting: 'ru', language: 'ru' }),
      'settings:set-language': notHere,
    });
    try {
      await exposeDesktop(window.page, sections, runners);
      await window.page.goto(`${renderer.url}/`);
      const panel = window.page.getByTestId('hosting-panel');
      await panel.waitFor();
      await expect.poll(() => window.page.getByTestId('stop-hosting').textContent()).toBe('Завершить встречу');
      const card = (await panel.boundingBox())!;
      for (const id of ['copy-invite', 'stop-hosting']) {
        const box = (await window.page.getByTestId(id).boundingBox())!;
        expect(box.x, id).toBeGreaterThanOrEqual(card.x);
        expect(box.x + box.width, id).toBeLessThanOrEqual(card.x + card.width);
      }
      await window.page.screenshot({ path: `${SCREENSHOT_DIR}/ru-desktop-home-hosting.png`, fullPage: true });
    } finally {
      await renderer.close();
    }
  });

  it('lists the meetings hosted on its built-in server once that no longer runs, read by main from its store', async () => {
    // The built-in server's store, as hosting left it: one meeting this person hosted.
    const dataDir = mkdtempSync(join(work, 'userdata-'));
    const secret = `desktop-host-secret-${'d'.repeat(24)}`;
    const hostId = participantIdFromSecret(secret);
    const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
    const store = await SqliteStore.open(join(dataDir, 'chat.db'));
    await store.records.save({
      id: 'desktop-record-1',
      instance: 'instance-1',
      code: 'calm-otter-42',
      startedAt: T0,
      endedAt: T0 + 600_000,
      hostIds: [hostId],
      people: [
        {
          id: hostId,
          name: 'Ada Desktop',
          stints: [{ joinedAt: T0, leftAt: T0 + 600_000 }],
          waits: [],
          speakingMs: 120_000,
          samples: { rttMs: [12], lossPct: [0.5], degradedShare: [0.2] },
          recordings: [],
          files: 1,
        },
      ],
      keepUntil: T0 + 30 * 86_400_000,
      savedAt: T0 + 600_000,
    });
    await store.close();

    const window = await launchParticipant({ color: 'green' });
    const renderer = await startDesktopRendererServer(WEB_ROOT);
    const sections = { app: APP_CHANNELS, hosting: HOSTING_CHANNELS, meeting: MEETING_CHANNELS, records: RECORDS_CHANNELS };
    const runners = channelRunners(sections, {
      ...testAppHandlers('0.0.0-test'),
      ...idleHostingHandlers(),
      ...createRecordsHandlers(new RecordsService({ open: hostingStoreRecords(dataDir), hosting: () => false })),
    });
    try {
      await exposeDesktop(window.page, sections, runners);
      await window.page.goto(`${renderer.url}/`);
      // The renderer kept the secret it hosted with (for the built-in server's address).
      await window.page.evaluate((s) => localStorage.setItem('roundtable.hosted:https://127.0.0.1:8443', JSON.stringify([s])), secret);
      await window.page.reload();
      const item = window.page.getByTestId('past-meeting');
      await item.waitFor({ timeout: 15_000 });
      expect(await item.count()).toBe(1);
      expect(await item.textContent()).toContain('calm-otter-42');
      await item.getByTestId('past-meeting-open').click();
      const dialog = window.page.getByTestId('meeting-record-dialog');
      await expect.poll(() => dialog.getByTestId('meeting-record-row').count(), { timeout: 10_000 }).toBe(1);
      const row = dialog.getByTestId('meeting-record-row');
      expect(await row.textContent()).toContain('Ada Desktop');
      expect(await row.getByTestId('meeting-record-degraded').textContent()).toBe('20');
      expect(await row.getByTestId('meeting-record-files').textContent()).toBe('1');
      await window.page.screenshot({ path: `${SCREENSHOT_DIR}/desktop-past-meetings.png`, fullPage: true });
      await dialog.getByTestId('record-close').click();
      // Deleted from main's store.
      await item.getByTestId('past-meeting-delete').click();
      await expect.poll(() => window.page.getByTestId('past-meeting').count(), { timeout: 10_000 }).toBe(0);
      const again = await SqliteStore.open(join(dataDir, 'chat.db'));
      try {
        expect(await again.records.get('desktop-record-1')).toBeNull();
      } finally {
        await again.close();
      }
    } finally {
      await renderer.close();
    }
  });
});
