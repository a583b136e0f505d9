import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingJob } from '../../src/shared/ipc/recording';
import { locateFfmpeg } from '../../src/main/services/ffmpeg/locate';
import { RecordingService } from '../../src/main/services/recording';
import { ffprobe } from '../../src/main/services/recording/test-support/ffprobe';
import { CaptureDesktop } from './support/capture-desktop';
import { startRecordingMain, type RecordingMain } from './support/capture-recording';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { joinMeeting, selfId, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';
import { colorShares, videoPacketTimes, videoSpan } from './support/video-file';

const run = promisify(execFile);
const ROOM = 'recording';
const root = mkdtempSync(join(tmpdir(), 'rt-e2e-recording-'));
const dataDir = join(root, 'userData');
const videos = join(root, 'Videos');
let server: MeetingServer;
let desktop: CaptureDesktop;
let main: RecordingMain;
let ada: Participant;
let bob: Participant;
let cy: Participant;
let ids: { ada: string; bob: string; cy: string };

const indicatorShown = (page: Page) => page.getByTestId('recording-indicator').isVisible();

/** How many seconds of picture a (possibly growing, unfinished) WebM holds: its last video packet's time. */
async function secondsIn(file: string): Promise<number> {
  return Math.max(0, ...(await videoPacketTimes(file)));
}

/** The loudest moment of a file's sound (dB), from FFmpeg's volumedetect. */
async function maxVolume(file: string): Promise<number> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-']);
  return Number(/max_volume: (-?[\d.]+) dB/.exec(stderr)?.[1] ?? Number.NEGATIVE_INFINITY);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  main = await startRecordingMain(dataDir, videos);
  // The page reaches the recording process through these (whichever process is current).
  desktop = new CaptureDesktop({ dataDir }, new Map([...main.runners.keys()].map((channel) => [channel, (args) => main.runners.get(channel)!(args)])));
  await desktop.start();
  // The desktop app's page (app://roundtable in the app) comes from this stand-in origin.
  server = await startMeetingServer({ allowedOrigins: [desktop.url] });
  main.onJob((job) => desktop.emit('recording:job', job));
  // Three people in three browsers on this machine, where each would have a computer of their own:
  // cameras at 10 frames a second leave the recording (Ada's page) enough of the processor to keep
  // up. At 30, two cores were saturated before the recording began, and the recorder got a few
  // frames a second, the last seconds of them still queued at the stop.
  ada = await launchParticipant({ color: 'green', cameraFps: 10 });
  await desktop.attach(ada.page, server.url);
  await ada.page.goto(desktop.meetingUrl(ROOM, 'Ada'));
  const adaId = await selfId(ada.page);
  [bob, cy] = await Promise.all([launchParticipant({ color: 'red', cameraFps: 10 }), launchParticipant({ color: 'blue', cameraFps: 10 })]);
  const [bobId, cyId] = await Promise.all([joinMeeting(bob.page, server.url, ROOM, 'Bob'), joinMeeting(cy.page, server.url, ROOM, 'Cy')]);
  ids = { ada: adaId, bob: bobId, cy: cyId };
  await Promise.all([waitForRemoteTiles(ada.page, [bobId, cyId]), waitForRemoteTiles(bob.page, [adaId, cyId]), waitForRemoteTiles(cy.page, [adaId, bobId])]);
});

afterAll(async () => {
  await closeAllParticipants();
  await desktop?.close();
  await main?.close().catch(() => undefined);
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('recording a meeting (MediaRecorder in the page, chunks to the main process, FFmpeg makes the file)', () => {
  it('records a three-person meeting to an MP4 in the Videos folder: the expected length, the tiles, the voices; everyone sees "Recording"', async () => {
    // The meeting shows Bob's red and Cy's blue cameras before anything is recorded.
    expect(await waitForTileColor(ada.page, ids.bob, 'red', 20_000, bob.page)).toBe('red');
    expect(await waitForTileColor(ada.page, ids.cy, 'blue', 20_000, cy.page)).toBe('blue');
    await ada.page.getByTestId('record-button').click();
    await ada.page.getByTestId('record-elapsed').waitFor();
    const started = Date.now();
    for (const page of [ada.page, bob.page, cy.page]) await expect.poll(() => indicatorShown(page), { timeout: 10_000 }).toBe(true);
    await bob.page.screenshot({ path: `${SCREENSHOT_DIR}/recording-indicator-guest.png` });
    await ada.page.waitForTimeout(Math.max(0, 7_000 - (Date.now() - started)));
    await ada.page.screenshot({ path: `${SCREENSHOT_DIR}/recording-running.png` });
    // Stop, noting the page's own time of the click: the recording should be as long as from its start to then.
    const recorded = (await ada.page.evaluate(`(() => {
      const button = document.querySelector('[data-testid="record-button"]');
      const stoppedAt = Date.now();
      button.click();
      return (stoppedAt - Number(button.dataset.startedAt)) / 1000;
    })()`)) as number;

    // Finalising shows its progress, then where the file went.
    const progress = ada.page.getByTestId('recording-progress');
    const saved = ada.page.getByTestId('recording-saved');
    await Promise.race([progress.waitFor({ timeout: 30_000 }), saved.waitFor({ timeout: 30_000 })]);
    await saved.waitFor({ timeout: 90_000 });
    await ada.page.screenshot({ path: `${SCREENSHOT_DIR}/recording-saved.png` });
    for (const page of [ada.page, bob.page, cy.page]) await expect.poll(() => indicatorShown(page), { timeout: 10_000 }).toBe(false);
    const finalizing = main.jobs.filter((j) => j.phase === 'finalizing');
    expect(finalizing.length).toBeGreaterThan(0);

    const file = (await saved.getAttribute('data-saved-as'))!;
    expect(file.startsWith(videos)).toBe(true);
    expect(file).toMatch(/Roundtable recording \d{4}-\d\d-\d\d \d\d\.\d\d\.mp4$/);
    const probe = await ffprobe(file);
    expect(probe.streams).toEqual([
      { type: 'video', codec: 'h264' },
      { type: 'audio', codec: 'aac' },
    ]);
    expect(Math.abs(probe.duration - recorded), `recorded ${recorded} s, the file: ${JSON.stringify(probe)}`).toBeLessThanOrEqual(1);
    // The picture lasts as long as the sound: none of it is left behind in the encoder at the stop.
    const span = await videoSpan(file);
    expect(recorded - span.last, `recorded ${recorded} s, the video: ${JSON.stringify(span)}`).toBeLessThanOrEqual(1);
    // The meeting as seen: Bob's red and Cy's blue tiles are in the picture, and the voices (Chromium's fake beeps) are heard.
    // From its very first frame (the recorder's own video elements are new: it waits for their pictures) to its middle.
    const shares = await Promise.all([0, recorded / 2].map((second) => colorShares(file, second)));
    const everySecond = async () => JSON.stringify(await Promise.all([...Array(Math.floor(recorded)).keys()].map((t) => colorShares(file, t))));
    if (shares.some((s) => s.red <= 0.05 || s.blue <= 0.05)) console.error('red and blue shares, second by second:', await everySecond());
    for (const share of shares) {
      expect(share.red).toBeGreaterThan(0.05);
      expect(share.blue).toBeGreaterThan(0.05);
    }
    expect(await maxVolume(file)).toBeGreaterThan(-40);
  });

  it('a browser guest (no FFmpeg there) records to a WebM download', async () => {
    await bob.page.getByTestId('record-button').click();
    await bob.page.getByTestId('record-elapsed').waitFor();
    await expect.poll(() => indicatorShown(cy.page), { timeout: 10_000 }).toBe(true);
    await bob.page.waitForTimeout(3_000);
    const download = bob.page.waitForEvent('download', { timeout: 30_000 });
    await bob.page.getByTestId('record-button').click();
    const file = join(root, 'guest.webm');
    await (await download).saveAs(file);
    expect(await bob.page.getByTestId('recording-saved').getAttribute('data-saved-as')).toMatch(/^Roundtable recording .*\.webm$/);
    const probe = await ffprobe(file);
    expect(probe.streams.map((s) => `${s.type}:${s.codec}`).sort()).toEqual(['audio:opus', 'video:vp8']);
    await expect.poll(() => indicatorShown(cy.page), { timeout: 10_000 }).toBe(false);
  });

  it('killing the app mid-recording leaves its chunks on disk, and the next start recovers them into a file', async () => {
    mkdirSync(videos, { recursive: true });
    const before = new Set(readdirSync(videos));
    await ada.page.getByTestId('record-button').click();
    await ada.page.getByTestId('record-elapsed').waitFor();
    const started = Date.now();
    await expect.poll(() => indicatorShown(bob.page), { timeout: 10_000 }).toBe(true);
    // Some seconds of the meeting have reached the main process's disk…
    const chunks = join(dataDir, 'recordings', readdirSync(join(dataDir, 'recordings'))[0]!, 'media.webm');
    await expect.poll(() => secondsIn(chunks), { timeout: 45_000, interval: 500 }).toBeGreaterThanOrEqual(3);
    const onDisk = await secondsIn(chunks);
    // …when the app dies: its window and its main process, with no chance to finish anything.
    await Promise.all([ada.kill(), main.kill()]);
    const ranFor = (Date.now() - started) / 1000;
    expect(readdirSync(videos).filter((f) => !before.has(f))).toEqual([]);

    // The next start of the app: what was left is finished, with progress.
    const next = new RecordingService({ dataDir: join(dataDir), outputDir: () => videos, locate: () => locateFfmpeg() });
    const jobs: RecordingJob[] = [];
    next.onJob((job) => jobs.push(job));
    const [recovered] = await next.recover();
    expect(recovered).toMatchObject({ phase: 'saved', format: 'mp4' });
    expect(jobs.some((j) => j.phase === 'recovering' && j.percent !== null)).toBe(true);
    expect(recovered!.path).toMatch(/\(recovered\)\.mp4$/);
    const probe = await ffprobe(recovered!.path!);
    expect(probe.streams.map((s) => s.type)).toEqual(['video', 'audio']);
    // Everything that was on disk is in the file (the browser's encoder may still have held the last moments).
    expect(probe.duration).toBeGreaterThanOrEqual(onDisk - 0.5);
    expect(probe.duration).toBeLessThanOrEqual(ranFor + 1);
    // The others' meeting goes on; Ada's "Recording" goes with her.
    await expect.poll(() => indicatorShown(bob.page), { timeout: 30_000 }).toBe(false);
  });
});
