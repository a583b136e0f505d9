/**
 * npm run bench:capture — FFmpeg capture into a MediaStreamTrack at 720p30. Prints one JSON object:
 *
 * - latencyMs: per frame, from the moment the main process has the whole frame from FFmpeg's
 *   stdout to the moment it is written into the page's MediaStreamTrackGenerator (p50/p95/max);
 * - frames: read from FFmpeg, sent to the page, written into the track;
 * - dropped: frames main replaced before the page took them, frames the page replaced while the
 *   previous write ran, and frames FFmpeg itself dropped to keep the rate.
 *
 * The real app: the web client in Chromium with a test `window.desktop` whose capture runs the REAL
 * capture service (real FFmpeg, lavfi testsrc2 1280x720 at 30 fps, as a camera on the pre-join
 * screen, shown in its preview). The frames reach the page over a loopback WebSocket and a
 * MessagePort (in the app: an Electron MessagePort), then take the app's own renderer path.
 * BENCH_SECONDS (default 20) sets how long it measures, after a 3 s warm-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebClient } from '../build/web-client';
import { CaptureDesktop } from '../../tests/e2e/support/capture-desktop';
import { closeAllParticipants, launchParticipant } from '../../tests/e2e/support/chromium';
import { startMeetingServer } from '../../tests/e2e/support/meeting-server';
import { WEB_ROOT } from '../../tests/e2e/support/paths';
import { log, summary } from './support/stats';

const SECONDS = Math.max(5, Number(process.env.BENCH_SECONDS ?? 20));

interface TrackStats {
  media: string;
  received: number;
  written: number;
  dropped: number;
  droppedUpstream: number;
  latencyMs: number[];
  arrivalMs: number[];
}

async function main(): Promise<void> {
  log('building the web client…');
  await buildWebClient(WEB_ROOT);
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-bench-capture-'));
  const desktop = new CaptureDesktop({ dataDir });
  await desktop.start();
  const server = await startMeetingServer({ allowedOrigins: [desktop.url] });
  try {
    // The test pattern chosen as the camera before the app opens (as a remembered choice).
    const added = await desktop.capture.sources.add({ test: true, tone: 440 });
    await desktop.catalogue.select('camera', `camera:source:${added.id}`);
    const page = (await launchParticipant({ color: null, fullChromium: true })).page;
    await desktop.attach(page, server.url);
    await page.goto(desktop.meetingUrl('bench-capture', 'Bench', false));
    await page.locator('[data-testid="preview"] video[data-showing="true"]').waitFor({ timeout: 30_000 });
    log(`capturing 1280x720 at 30 fps; warming up 3 s, then measuring ${SECONDS} s…`);
    await page.waitForTimeout(3_000);
    const read = async () => ({
      page: ((await page.evaluate('window.roundtableCapture.stats()')) as TrackStats[]).find((s) => s.media === 'video')!,
      main: desktop.capture.service.list().find((c) => c.request.media === 'video')!.stats,
    });
    const start = await read();
    const latency: number[] = [];
    const arrival: number[] = [];
    // The page keeps the latest 600 samples: read them every 10 s so none is missed.
    let seen = start.page.written;
    for (let elapsed = 0; elapsed < SECONDS; elapsed += 10) {
      await page.waitForTimeout(Math.min(10, SECONDS - elapsed) * 1000);
      const now = ((await page.evaluate('window.roundtableCapture.stats()')) as TrackStats[]).find((s) => s.media === 'video')!;
      const fresh = Math.min(now.written - seen, now.latencyMs.length);
      latency.push(...now.latencyMs.slice(now.latencyMs.length - fresh));
      arrival.push(...now.arrivalMs.slice(Math.max(0, now.arrivalMs.length - fresh)));
      seen = now.written;
    }
    const end = await read();
    const result = {
      source: 'lavfi testsrc2 1280x720 @ 30 fps, I420 (1.38 MB a frame)',
      seconds: SECONDS,
      latencyMs: summary(latency),
      arrivalMs: summary(arrival),
      frames: {
        readFromFfmpeg: end.main.frames - start.main.frames,
        sentToPage: end.main.sent - start.main.sent,
        writtenToTrack: end.page.written - start.page.written,
        perSecond: Math.round(((end.page.written - start.page.written) / SECONDS) * 10) / 10,
      },
      dropped: {
        mainWaitingForPage: end.main.dropped - start.main.dropped,
        pageWhileWriting: end.page.dropped - start.page.dropped,
        ffmpeg: end.main.ffmpegDropped - start.main.ffmpegDropped,
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await closeAllParticipants();
    await desktop.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
