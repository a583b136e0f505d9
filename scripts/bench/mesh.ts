/**
 * npm run bench:mesh — what a full mesh costs, with and without the per-peer video budget.
 *
 * For 2, 4 and 6 participants, all in ONE Chromium (one tab each, Chromium's moving fake camera),
 * everyone joins one meeting, one after another, in speaker view (one big tile, the others as
 * thumbnails: where the budget matters most) and in the grid; after a warm-up it measures, over a
 * window, each sender's total upload bitrate (all its peer connections, from getStats) and the CPU
 * time of the whole browser process tree per minute. Prints one JSON object.
 */
import { chromium, type Page } from 'playwright-core';
import { buildWebClient } from '../build/web-client';
import { BASE_FLAGS, CHROMIUM } from '../../tests/e2e/support/chromium';
import { startMeetingServer } from '../../tests/e2e/support/meeting-server';
import { meetingUrl } from '../../tests/e2e/support/meeting-page';
import { WEB_ROOT } from '../../tests/e2e/support/paths';
import { treeCpuSeconds } from './support/process-cpu';
import { log } from './support/stats';

const SIZES = (process.env.BENCH_SIZES ?? '2,4,6').split(',').map(Number);
const LAYOUTS = ['speaker', 'grid'] as const;
type Layout = (typeof LAYOUTS)[number];
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 8000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 20000);
/** For each newcomer to be connected with everyone already there. */
const CONNECT_TIMEOUT_MS = 60_000;

// Page code as text (tsx would wrap functions in a helper the page lacks).
const UPLOADED_BYTES = `(async () => {
  const rt = window.roundtable;
  let total = 0;
  for (const p of rt.participants()) {
    const s = await rt.stats(p.id);
    if (s) total += s.sent.audioBytes + s.sent.videoBytes;
  }
  return total;
})()`;
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
}

async function measure(serverUrl: string, size: number, layout: Layout, budget: boolean): Promise<Measurement> {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: BASE_FLAGS });
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
    const cpuBefore = treeCpuSeconds(pid);
    const bytesBefore = await Promise.all(pages.map((p) => p.evaluate<number>(UPLOADED_BYTES)));
    const started = Date.now();
    await pages[0]!.waitForTimeout(WINDOW_MS);
    const bytesAfter = await Promise.all(pages.map((p) => p.evaluate<number>(UPLOADED_BYTES)));
    const seconds = (Date.now() - started) / 1000;
    const cpu = treeCpuSeconds(pid) - cpuBefore;
    const showing = (await Promise.all(pages.map((p) => p.evaluate<number>(TILES_SHOWING_VIDEO)))).reduce((a, b) => a + b, 0);

    const upload = bytesAfter.map((after, i) => Math.round(((after - bytesBefore[i]!) * 8) / seconds / 1000));
    return {
      uploadKbpsPerSender: upload,
      uploadKbpsMean: Math.round(upload.reduce((a, b) => a + b, 0) / upload.length),
      browserCpuSecondsPerMinute: Math.round((cpu / seconds) * 60 * 10) / 10,
      remoteTilesShowingVideo: `${showing}/${size * (size - 1)}`,
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
  const meeting = await startMeetingServer();
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
