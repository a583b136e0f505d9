/**
 * npm run bench:move — how much of people's sound the move from the mesh to the SFU loses, next to
 * what a fifth person joining a mesh loses of it anyway, on the same machine in the same run.
 *
 * Four people (Ann, Ben, Cat, Dan: one Chromium each, small windows and cameras, as in the e2e move
 * tests) meet on the mesh, and Eve joins. In the arm `move` the meeting moves to the SFU as she
 * comes (`sfuFrom: 5`); in the arm `stay` it stays a mesh (`sfuFrom: null`, the CLI's `--sfu-from off`): the same five
 * browsers on the same cores and the same newcomer, without the move. For each of the twelve pairs
 * of the four, from just before Eve comes until WATCH_MS later (or until the meeting settled, if
 * later), it reads the longest stretch of the other's sound that Chromium made up in place of
 * packets that did not come (tests/e2e/support/media-gaps.ts). Rounds alternate which arm goes
 * first. Prints one JSON object.
 *
 * On a machine where five Chromiums share two cores, a page that starves loses sound whatever the
 * meeting does; `stay` is that floor, and the move's own cost is what `move` loses beyond it.
 */
import type { Page } from 'playwright-core';
import type { SignalingOptions } from '@roundtable/signaling-server';
import { buildWebClient } from '../build/web-client';
import { CHROMIUM, closeAllBrowsers, launchParticipant } from '../../tests/e2e/support/chromium';
import type { PatternColor } from '../../tests/e2e/support/fake-media';
import { GAP_WATCH, type MediaGaps } from '../../tests/e2e/support/media-gaps';
import { startMeetingServer } from '../../tests/e2e/support/meeting-server';
import { meetingUrl, turnCameraOff } from '../../tests/e2e/support/meeting-page';
import { WEB_ROOT } from '../../tests/e2e/support/paths';
import { log, summary } from './support/stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WATCH_MS = Number(process.env.BENCH_WATCH_MS ?? 20_000);
/** Cameras on (the default) or off: `BENCH_CAMERAS=off`. */
const CAMERAS = process.env.BENCH_CAMERAS !== 'off';
const SETTLE_TIMEOUT_MS = 60_000;
const ARMS = { move: { sfuFrom: 5 }, stay: { sfuFrom: null } } satisfies Record<string, SignalingOptions>;
type Arm = keyof typeof ARMS;
/** The arms to run (`BENCH_ARMS=move` for the move alone). */
const RUN_ARMS = (process.env.BENCH_ARMS ?? 'move,stay').split(',').filter((arm): arm is Arm => arm in ARMS);
/**
 * `BENCH_RAISED_PRIORITIES=1`: Chromium as root runs it, with its threads raised above the SFU's
 * process and the pages' main threads, instead of at a user's priorities (tests/e2e/support/chromium.ts).
 */
const RAISED = process.env.BENCH_RAISED_PRIORITIES === '1';

const PEOPLE: Array<[string, PatternColor]> = [
  ['Ann', 'red'],
  ['Ben', 'green'],
  ['Cat', 'blue'],
  ['Dan', 'yellow'],
];

interface Person {
  name: string;
  page: Page;
  id: string;
}

// Page code as text: tsx would wrap functions in a helper the page lacks.
const SELF_ID = `window.roundtable?.selfId() ?? null`;
const REMOTE_TILES = `[...document.querySelectorAll('[data-testid="tile"]:not([data-local="true"])')].map((t) => t.getAttribute('data-participant-id')).filter((id) => !id.includes(':'))`;
const ROUTE = `window.roundtable.route()`;
const OPEN_CONNECTIONS = `window.gapWatch.connections()`;
const RECEIVED_AUDIO = (id: string): string => `window.roundtable.stats(${JSON.stringify(id)}).then((s) => s?.audio.packetsReceived ?? 0)`;

/** Polls `check` every 100 ms until it holds; throws with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A browser started, with the gap watch in it, not in the meeting yet (its start is its heaviest moment). */
async function launch(color: PatternColor, small: boolean) {
  const participant = await launchParticipant({
    color, // with the cameras off too: Chromium's own fake camera would be a heavier source to turn off
    cameraSize: '160x90',
    // The full Chromium, as a guest runs it (the tests use its lighter headless shell).
    ...(RAISED ? { executablePath: CHROMIUM } : { fullChromium: true }),
    // 15 fps as in the figures recorded in docs/testing.md (the tests' cameras now default to 10).
    ...(small ? { viewport: { width: 640, height: 360 }, cameraFps: 10 } : { cameraFps: 15 }),
  });
  await participant.page.addInitScript(GAP_WATCH);
  return async (url: string, room: string, name: string): Promise<Person> => {
    await participant.page.goto(meetingUrl(url, room, name));
    await until(`${name} in the meeting`, async () => (await participant.page.evaluate(SELF_ID)) !== null);
    if (!CAMERAS) await turnCameraOff(participant.page);
    return { name, page: participant.page, id: (await participant.page.evaluate(SELF_ID)) as string };
  };
}

/** Everyone shows a tile of each of the others, and each other's sound arrives. */
async function allMet(people: Person[]): Promise<void> {
  for (const viewer of people) {
    const others = people.filter((p) => p !== viewer).map((p) => p.id);
    await until(`${viewer.name} showing everyone`, async () => {
      const shown = (await viewer.page.evaluate(REMOTE_TILES)) as string[];
      return others.every((id) => shown.includes(id));
    });
    for (const id of others) await until(`${viewer.name} hearing ${id}`, async () => ((await viewer.page.evaluate(RECEIVED_AUDIO(id))) as number) > 10);
  }
}

interface ArmRun {
  /** The longest stretch of sound lost, per pair of the four (ms). */
  longestLostMs: number[];
  /** All sound made up meanwhile, per pair (ms). */
  madeUpMs: number[];
  /** The longest loss per pair on each track that played it, in order (the mesh's, then the SFU's). */
  byTrackMs: number[][];
  /** The longest time each of the four's page did not run its 50 ms watch (ms). */
  pageStallMs: number[];
  /** From Eve's arrival until the meeting settled (everyone on the SFU with the mesh closed, or on a five-way mesh). */
  settledMs: number;
}

async function runArm(arm: Arm): Promise<ArmRun> {
  const server = await startMeetingServer(ARMS[arm], 0, { sfu: true });
  const room = `bench-${arm}`;
  try {
    const people: Person[] = [];
    for (const [name, color] of PEOPLE) people.push(await (await launch(color, true))(server.url, room, name));
    await allMet(people);
    const evesEntry = await launch('magenta', true);
    for (const person of people) await person.page.evaluate('window.gapWatch.reset()');
    const start = Date.now();
    const eve = await evesEntry(server.url, room, 'Eve');
    const everyone = [...people, eve];
    await allMet(everyone);
    const wantConnections = arm === 'move' ? 2 : 4;
    for (const person of everyone)
      await until(`${person.name} settled`, async () => {
        const route = (await person.page.evaluate(ROUTE)) as string;
        return route === (arm === 'move' ? 'sfu' : 'mesh') && (await person.page.evaluate(OPEN_CONNECTIONS)) === wantConnections;
      });
    const settledMs = Date.now() - start;
    if (Date.now() - start < WATCH_MS) await new Promise((resolve) => setTimeout(resolve, WATCH_MS - (Date.now() - start)));
    const longestLostMs: number[] = [];
    const madeUpMs: number[] = [];
    const byTrackMs: number[][] = [];
    const pageStallMs: number[] = [];
    for (const viewer of people) {
      for (const other of people.filter((p) => p !== viewer)) {
        const gaps = (await viewer.page.evaluate(`window.gapWatch.gaps(${JSON.stringify(other.id)})`)) as MediaGaps;
        longestLostMs.push(gaps.audioLostMs);
        madeUpMs.push(gaps.audioConcealedMs);
        byTrackMs.push(gaps.audioLostByTrackMs);
      }
      const any = people.find((p) => p !== viewer)!;
      pageStallMs.push(((await viewer.page.evaluate(`window.gapWatch.gaps(${JSON.stringify(any.id)})`)) as MediaGaps).pageStallMs);
    }
    return { longestLostMs, madeUpMs, byTrackMs, pageStallMs, settledMs };
  } finally {
    await closeAllBrowsers();
    await server.close();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  log('building the web client…');
  await buildWebClient(WEB_ROOT);
  const runs: Record<Arm, ArmRun[]> = { move: [], stay: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? RUN_ARMS : [...RUN_ARMS].reverse();
    for (const arm of order) {
      log(`round ${round + 1}, ${arm}…`);
      const run = await runArm(arm);
      log(`  longest lost per pair (ms): ${JSON.stringify(run.longestLostMs)}; by track ${JSON.stringify(run.byTrackMs)}`);
      log(`  pages' longest stall (ms): ${JSON.stringify(run.pageStallMs)}; settled after ${run.settledMs} ms`);
      runs[arm].push(run);
    }
  }
  const report = (all: ArmRun[]) => ({
    /** Per pair, the longest loss on the first track that played it (the mesh's) and on the ones after (the SFU's). */
    longestLostOnMeshTrackMs: summary(all.flatMap((r) => r.byTrackMs.map((t) => t[0] ?? 0))),
    longestLostOnLaterTracksMs: summary(all.flatMap((r) => r.byTrackMs.map((t) => Math.max(0, ...t.slice(1))))),
    pageStallMs: summary(all.flatMap((r) => r.pageStallMs)),
    medianPairLongestLostMs: all.map((r) => median(r.longestLostMs)),
    worstPairLongestLostMs: all.map((r) => Math.max(...r.longestLostMs)),
    longestLostMs: summary(all.flatMap((r) => r.longestLostMs)),
    madeUpMs: summary(all.flatMap((r) => r.madeUpMs)),
    settledMs: all.map((r) => r.settledMs),
  });
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'move-sound', cameras: CAMERAS, raisedPriorities: RAISED, watchMs: WATCH_MS, rounds: ROUNDS, ...Object.fromEntries(RUN_ARMS.map((arm) => [arm, report(runs[arm])])) })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
