import type { PatternColor } from './fake-media';
import { launchParticipant, type Participant } from './chromium';
import type { Page } from 'playwright-core';
import { freeze, ICE_WATCH, iceLog, keepsMoving, phase, until, videoMoving } from './fault-probes';
import { joinMeeting, remoteTileIds, waitForRemoteTiles, waitForTileColor } from './meeting-page';
import type { LabMachine } from './netns';
import { startServerProcess, type ServerProcess } from './server-process';

/**
 * The faults of issue 7, each as one measured step, shared by the e2e tests (which assert the
 * deadlines) and `npm run bench:faults` (which reports them over several runs). A call here is two
 * people, Ada (red camera) and Bob (green camera), who see each other's video.
 */
export interface Person {
  browser: Participant;
  id: string;
  color: PatternColor;
}

export interface Call {
  ada: Person;
  bob: Person;
}

export interface LaunchSpec {
  url: string;
  machine?: LabMachine;
  /** Scripts the page runs before the app (page.addInitScript), e.g. from signal-tampering.ts. */
  initScripts?: string[];
}

/** Starts Ada, then Bob (who joins later, and so offers), each where `spec` says, in `room`, and waits until each sees the other's video. */
export async function startCall(room: string, ada: LaunchSpec, bob: LaunchSpec = ada): Promise<Call> {
  const person = async (name: string, color: PatternColor, spec: LaunchSpec): Promise<Person> => {
    const browser = await launchParticipant({
      color,
      ...(spec.machine ? { executablePath: spec.machine.chromium } : {}),
      // Pages from a LAN address over plain HTTP are not a secure context; this one may use the camera.
      extraFlags: spec.url.startsWith('http://127.0.0.1') ? [] : [`--unsafely-treat-insecure-origin-as-secure=${spec.url}`],
    });
    for (const script of [ICE_WATCH, ...(spec.initScripts ?? [])]) await browser.page.addInitScript(script);
    return { browser, id: await joinMeeting(browser.page, spec.url, room, name), color };
  };
  const a = await person('Ada', 'red', ada);
  const b = await person('Bob', 'green', bob);
  await waitForRemoteTiles(a.browser.page, [b.id], 45_000);
  await waitForRemoteTiles(b.browser.page, [a.id], 45_000);
  await seeEachOther({ ada: a, bob: b }, 45_000);
  return { ada: a, bob: b };
}

/** Each sees the other's camera, moving. */
export async function seeEachOther({ ada, bob }: Call, timeoutMs: number): Promise<void> {
  const [adaSees, bobSees] = await Promise.all([
    waitForTileColor(ada.browser.page, bob.id, bob.color, timeoutMs),
    waitForTileColor(bob.browser.page, ada.id, ada.color, timeoutMs),
  ]);
  if (adaSees !== bob.color || bobSees !== ada.color) throw new Error(`Ada sees ${adaSees} for Bob, Bob sees ${bobSees} for Ada`);
  await Promise.all([videoMoving(ada.browser.page, bob.id, bob.color, timeoutMs), videoMoving(bob.browser.page, ada.id, ada.color, timeoutMs)]);
}

/** Samples what both show while `during` runs: every remote tile list either page showed. */
async function watchTiles<T>({ ada, bob }: Call, during: Promise<T>): Promise<{ result: T; shown: { ada: string[][]; bob: string[][] } }> {
  const shown = { ada: [] as string[][], bob: [] as string[][] };
  let done = false;
  const sampling = (async () => {
    while (!done) {
      const [a, b] = await Promise.all([remoteTileIds(ada.browser.page).catch(() => null), remoteTileIds(bob.browser.page).catch(() => null)]);
      if (a) shown.ada.push(a);
      if (b) shown.bob.push(b);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { result: await during, shown };
  } finally {
    done = true;
    await sampling;
  }
}

export interface ServerRestart {
  server: ServerProcess;
  /**
   * ms to each one's rejoin (the meeting shows 'joined'): from the moment the restarted server
   * listens, or for one held back, from the moment their network came back.
   */
  rejoinMs: { ada: number; bob: number };
  /** Video kept arriving, both ways, while the server was down. */
  flowedWhileDown: { ada: boolean; bob: boolean };
  /** Every remote tile list each page showed from the kill to both rejoins. */
  shown: { ada: string[][]; bob: string[][] };
  /** With `adaBackLast`: who Bob's meeting said was host while he was back and Ada not yet. */
  hostWhileAdaAway?: string | null;
}

/**
 * Stops the meeting server mid-call (SIGKILL: a crash; SIGTERM: a normal stop, as systemd or
 * Ctrl-C does) and starts it again on the same port. `adaBackLast`: Ada's page is offline (her
 * signaling cannot reach the server; the media, peer to peer, goes on) until Bob is back in the
 * meeting and a second more has passed, so the restarted server sees him first.
 */
export async function restartServer(
  call: Call,
  server: ServerProcess,
  dataDir: string,
  signal: NodeJS.Signals = 'SIGKILL',
  { adaBackLast = false }: { adaBackLast?: boolean } = {},
): Promise<ServerRestart> {
  const { ada, bob } = call;
  const pages = [ada.browser.page, bob.browser.page];
  const joinedAt = (page: Page): Promise<number> => until(async () => ((await phase(page)) === 'joined' ? Date.now() : undefined), 30_000, 'rejoined', 10);
  const { result, shown } = await watchTiles(
    call,
    (async () => {
      await server.stop(signal);
      await Promise.all(pages.map((page) => until(async () => ((await phase(page)) === 'reconnecting' ? true : undefined), 10_000, 'reconnecting')));
      if (adaBackLast) await ada.browser.page.context().setOffline(true);
      // The media goes peer to peer: it keeps flowing while the server is down (and starting again).
      const flowing = Promise.all([keepsMoving(ada.browser.page, bob.id, 1500), keepsMoving(bob.browser.page, ada.id, 1500)]);
      const restarted = await startServerProcess(server.port, dataDir);
      const backAt = Date.now();
      if (!adaBackLast) {
        const [adaAt, bobAt] = await Promise.all([joinedAt(ada.browser.page), joinedAt(bob.browser.page)]);
        const [adaFlow, bobFlow] = await flowing;
        return { server: restarted, rejoinMs: { ada: adaAt - backAt, bob: bobAt - backAt }, flowedWhileDown: { ada: adaFlow, bob: bobFlow } };
      }
      const bobAt = await joinedAt(bob.browser.page);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if ((await phase(ada.browser.page)) !== 'reconnecting') throw new Error('Ada came back while she was to be held offline');
      const hostWhileAdaAway = await bob.browser.page.evaluate(() => (window as unknown as { roundtable: { hostId(): string | null } }).roundtable.hostId());
      await ada.browser.page.context().setOffline(false);
      const releasedAt = Date.now();
      const adaAt = await joinedAt(ada.browser.page);
      const [adaFlow, bobFlow] = await flowing;
      return {
        server: restarted,
        rejoinMs: { ada: adaAt - releasedAt, bob: bobAt - backAt },
        flowedWhileDown: { ada: adaFlow, bob: bobFlow },
        hostWhileAdaAway,
      };
    })(),
  );
  return { ...result, shown };
}

export interface LinkCut {
  /** ms from the moment the cable is back to each one seeing the other's video move again. */
  videoBackMs: { ada: number; bob: number };
  /** When the cable was back (Date.now()). */
  backAt: number;
  shown: { ada: string[][]; bob: string[][] };
  /** What each one's connections did from just before the cut on (ms from the cable's return), for failure messages. */
  story: string;
}

/** Unplugs Bob's cables (`'media'`: only the LAN, signaling stays up) for `ms`, plugs them back, and times the video's return. */
export async function cutLink(call: Call, machine: LabMachine, ms: number, what: 'all' | 'media' = 'all'): Promise<LinkCut> {
  const { ada, bob } = call;
  const { result, shown } = await watchTiles(
    call,
    (async () => {
      machine.cut(what);
      await new Promise((resolve) => setTimeout(resolve, ms));
      // Measured from when the cable went back in: stamped after plug() returned, it came after a
      // connection Bob had already started on the mended path (a loaded run: 70 ms before).
      const backAt = machine.plug();
      const story = async (): Promise<string> => {
        const since = backAt - ms - 1000;
        const of = async (page: Page): Promise<string> =>
          JSON.stringify((await iceLog(page).catch(() => [])).filter((e) => e.at >= since).map((e) => ({ ...e, at: e.at - backAt })));
        return `Ada's connections (ms from the link's return): ${await of(ada.browser.page)}\nBob's: ${await of(bob.browser.page)}`;
      };
      const [adaSees, bobSees] = await Promise.all([
        videoMoving(ada.browser.page, bob.id, bob.color, 30_000),
        videoMoving(bob.browser.page, ada.id, ada.color, 30_000),
      ]).catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${await story()}`);
      });
      return { videoBackMs: { ada: adaSees - backAt, bob: bobSees - backAt }, backAt, story: await story() };
    })(),
  );
  return { ...result, shown };
}

/** ms from `at` until Ada no longer shows a tile for `id`. */
async function goneFromAda(call: Call, id: string, at: number, timeoutMs = 30_000): Promise<number> {
  return until(async () => ((await remoteTileIds(call.ada.browser.page)).includes(id) ? undefined : Date.now() - at), timeoutMs, `${id} gone`, 25);
}

/** Bob's app is killed (SIGKILL of the whole browser): ms until Ada no longer shows him. */
export async function killBob(call: Call): Promise<number> {
  const at = Date.now();
  await call.bob.browser.kill();
  return goneFromAda(call, call.bob.id, at);
}

/** Bob's machine sleeps (every process of his browser stopped): ms until Ada no longer shows him; then he wakes. */
export async function sleepBob(call: Call): Promise<{ goneMs: number; wake(): void }> {
  const pid = call.bob.browser.server.process().pid;
  if (pid === undefined) throw new Error("no pid for Bob's browser");
  const at = Date.now();
  const wake = freeze(pid);
  try {
    return { goneMs: await goneFromAda(call, call.bob.id, at), wake };
  } catch (error) {
    wake();
    throw error;
  }
}
