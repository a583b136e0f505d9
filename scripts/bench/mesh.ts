/**
 * npm run bench:mesh — what a full mesh costs, with and without the per-peer video budget.
 *
 * For 2, 4 and 6 participants, all in ONE Chromium (one tab each, Chromium's moving fake camera),
 * everyone joins one meeting, one after another, in speaker view (one big tile, the others as
 * thumbnails: where the budget matters most) and in the grid; after a warm-up it measures, over a
 * window, each sender's total upload bitrate (all its peer connections, from getStats) and the CPU
 * time of the whole browser process tree per minute. Prints one JSON object.
 *
 * Six people in one browser on a small machine overload it several times over, which no real
 * participant's machine is: each page then stalls for seconds at a time. Two things keep that
 * from deciding the outcome. Chromium runs with the thread priorities a desktop user's gets
 * (fairPriorityChromium in tests/e2e/support/chromium.ts), and the meeting server here waits a minute for a heartbeat instead of 5 s,
 * so that a stalled page is not dropped and made to rejoin, over and over. The bench measures
 * what media costs, not how fast a dead participant is noticed (bench:faults does that).
 */
import { chromium, type Page } from 'playwright-core';
import { buildWebClient } from '../build/web-client';
import { BASE_FLAGS, CHROMIUM, fairPriorityChromium } from '../../tests/e2e/support/chromium';
import { startMeetingServer } from '../../tests/e2e/support/meeting-server';
import { meetingUrl } from '../../tests/e2e/support/meeting-page';
import { WEB_ROOT } from '../../tests/e2e/support/paths';
import { treeCpuSeconds } from './support/process-cpu';
import { log } from './support/stats';

// The full Chromium, as a guest runs it (the tests use its lighter headless shell).
const BROWSER = fairPriorityChromium(CHROMIUM);
const SIZES = (process.env.BENCH_SIZES ?? '2,4,6').split(',').map(Number);
const LAYOUTS = ['speaker', 'grid'] as const;
type Layout = (typeof LAYOUTS)[number];
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 8000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 20000);
/** For each newcomer to be connected with everyone already there (six on two cores take over a minute). */
const CONNECT_TIMEOUT_MS = 180_000;
/** How long the server waits for a heartbeat before it drops someone (see above). */
const HEARTBEAT_TIMEOUT_MS = 60_000;

// Page code as text (tsx would wrap functions in a helper the page lacks).
const TRAFFIC = `(async () => {
  const rt = window.roundtable;
  let sentBytes = 0, framesDecoded = 0;
  for (const p of rt.participants()) {
    const s = await rt.stats(p.id);
    if (s) {
      sentBytes += s.sent.audioBytes + s.sent.videoBytes;
      framesDecoded += s.video.framesDecoded;
    }
  }
  return { sentBytes, framesDecoded, at: Date.now() };
})()`;
interface Traffic {
  sentBytes: number;
  framesDecoded: number;
  /** When the page read them: on a starved machine reading six pages takes seconds. */
  at: number;
}
const CONNECTED_PEERS = `window.roundtable.participants().filter((p) => p.connection === 'connected').length`;
const TILES_SHOWING_VIDEO = `document.querySelectorAll('[data-testid="tile"]:not([data-local="true"])[data-video="on"]').length`;

/** Polls `check` (page.evaluate text is not subject to the page's CSP; waitForFunction's is). */
async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Measurement {
  /** Upload of each sender, kbit/s, summed over its peer connections. */
  uploadKbpsPerSender: number[];
  uploadKbpsMean: number;
  /** CPU seconds the whole browser used per minute of meeting (all participants together). */
  browserCpuSecondsPerMinute: number;
  /** Remote tiles (over all participants) with live video at the end: a starved machine shows fewer. */
  remoteTilesShowingVideo: string;
  /** Frames decoded per second per remote video, over all participants: how smooth it looks. */
  receivedFpsPerRemoteVideo: number;
}

async function measure(serverUrl: string, size: number, layout: Layout, budget: boolean): Promise<Measurement> {
  const server = await chromium.launchServer({ executablePath: BROWSER, headless: true, args: BASE_FLAGS });
  const browser = await chromium.connect(server.wsEndpoint());
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const room = `mesh-${size}-${layout}-${budget ? 'budget' : 'nobudget'}`;
    const pages: Page[] = [];
    // People arrive one after another, as at the start of a meeting: each one is connected to
    // everybody already there before the next one comes.
    for (let i = 0; i < size; i += 1) {
      const page = await context.newPage();
      const url = `${meetingUrl(serverUrl, room, `Person ${i + 1}`)}&layout=${layout}${budget ? '' : '&budget=0'}`;
      await page.goto(url);
      pages.push(page);
      try {
        for (const each of pages) await waitUntil(async () => (await each.evaluate<number>(CONNECTED_PEERS)) === pages.length - 1, CONNECT_TIMEOUT_MS);
      } catch (error) {
        const states = await Promise.all(pages.map((each) => each.evaluate<string>('window.roundtable.participants().map((p) => p.connection).join()')));
        throw new Error(
          `person ${i + 1} was not connected with everyone within ${CONNECT_TIMEOUT_MS / 1000} s; each one's connections: ${states.join(' | ')}`,
          { cause: error },
        );
      }
    }
    await pages[0]!.waitForTimeout(WARMUP_MS);

    const pid = server.process().pid!;
    const cpuStart = { cpuSeconds: treeCpuSeconds(pid), at: Date.now() };
    const before = await Promise.all(pages.map((p) => p.evaluate<Traffic>(TRAFFIC)));
    await pages[0]!.waitForTimeout(WINDOW_MS);
    const after = await Promise.all(pages.map((p) => p.evaluate<Traffic>(TRAFFIC)));
    const cpuPerSecond = (treeCpuSeconds(pid) - cpuStart.cpuSeconds) / ((Date.now() - cpuStart.at) / 1000);
    const seconds = after.map((each, i) => (each.at - before[i]!.at) / 1000);
    const showing = (await Promise.all(pages.map((p) => p.evaluate<number>(TILES_SHOWING_VIDEO)))).reduce((a, b) => a + b, 0);

    const upload = after.map((each, i) => Math.round(((each.sentBytes - before[i]!.sentBytes) * 8) / seconds[i]! / 1000));
    // Each participant's frames per second over its own window, summed, per remote video.
    const fps = after.reduce((sum, each, i) => sum + (each.framesDecoded - before[i]!.framesDecoded) / seconds[i]!, 0) / (size * (size - 1));
    return {
      uploadKbpsPerSender: upload,
      uploadKbpsMean: Math.round(upload.reduce((a, b) => a + b, 0) / upload.length),
      browserCpuSecondsPerMinute: Math.round(cpuPerSecond * 60 * 10) / 10,
      remoteTilesShowingVideo: `${showing}/${size * (size - 1)}`,
      receivedFpsPerRemoteVideo: Math.round(fps * 10) / 10,
    };
  } finally {
    await browser.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }
}

/** A measurement, or why it could not be made (on a small machine, a big mesh may never connect). */
type Outcome = Measurement | { error: string };

async function attempt(serverUrl: string, size: number, layout: Layout, budget: boolean): Promise<Outcome> {
  try {
    return await measure(serverUrl, size, layout, budget);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function main(): Promise<void> {
  log('building the web client…');
  await buildWebClient(WEB_ROOT);
  const meeting = await startMeetingServer({ pingTimeoutMs: HEARTBEAT_TIMEOUT_MS });
  const results: Record<string, Record<Layout, { budget: Outcome; noBudget: Outcome }>> = {};
  try {
    for (const size of SIZES) {
      for (const layout of LAYOUTS) {
        log(`${size} participants, ${layout} view, with the budget…`);
        const withBudget = await attempt(meeting.url, size, layout, true);
        log(`  ${JSON.stringify(withBudget)}`);
        log(`${size} participants, ${layout} view, without…`);
        const without = await attempt(meeting.url, size, layout, false);
        log(`  ${JSON.stringify(without)}`);
        (results[String(size)] ??= {} as Record<Layout, { budget: Outcome; noBudget: Outcome }>)[layout] = { budget: withBudget, noBudget: without };
      }
    }
  } finally {
    await meeting.close();
  }
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'mesh-upload-and-cpu', windowMs: WINDOW_MS, window: '1280x720 per participant', participants: results })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
