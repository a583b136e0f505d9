import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { fakeCameraFile, type PatternColor } from './fake-media';

/** Chromium itself, as a guest runs it: for what only the full browser does (`fullChromium` below). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * What runs a test participant unless it asks for the full browser: Chromium's headless shell
 * (Debian's chromium-headless-shell, of the same version), the same Blink, WebRTC and media
 * stack without the full browser's UI layer. Measured here (docs/testing.md): a participant's
 * launch, first page and close cost 1.1 core-seconds instead of 2.6, and an idle `.ci/run` took
 * 17.6 minutes instead of 22.8. What it does not do as the full browser does: a camera's deviceId
 * is new at each page load, it shows no notifications, and it ignores
 * --unsafely-treat-insecure-origin-as-secure (so netns.ts runs the full browser).
 */
export const HEADLESS_SHELL = process.env.CHROMIUM_HEADLESS_SHELL_PATH ?? '/usr/bin/chromium-headless-shell';

/**
 * What runs every test Chromium, so that its threads get the priorities a user's would.
 *
 * Run as root (as on these VMs and CI), Chromium raises its own threads: encoders, WebRTC and
 * compositor threads go to nice -8 and audio threads to real-time. A user's Chromium or Electron
 * cannot (Linux's RLIMIT_NICE is 0 for ordinary users). With five browsers on two cores those
 * threads starve every page's main thread and the SFU's process, which runs at nice 0 as it does
 * for a user: `npm run bench:move` lost up to 2.8 s of someone's sound through the move with the
 * raised threads, 1.1 s without (docs/testing.md). Without CAP_SYS_NICE (dropped from the bounding
 * set by `setpriv`), Chromium's attempts fail quietly, as they do for a user.
 */
const FAIR_PRIORITIES = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0 ? 'setpriv --bounding-set -sys_nice' : '';

/** Writes `file`, a script that runs `browser` (the headless shell unless said) behind `prefix` (a command that execs the rest). */
export function chromiumBehind(prefix: string, file: string, browser = HEADLESS_SHELL): string {
  writeFileSync(file, `#!/bin/sh\nexec ${[prefix, FAIR_PRIORITIES, browser].filter(Boolean).join(' ')} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

const userChromiums = new Map<string, string>();

/** `browser` as a user would run it (above): what every participant gets unless told. */
export function fairPriorityChromium(browser = HEADLESS_SHELL): string {
  if (!FAIR_PRIORITIES) return browser;
  let wrapper = userChromiums.get(browser);
  if (!wrapper) {
    const dir = mkdtempSync(join(tmpdir(), 'rt-chromium-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    wrapper = chromiumBehind('', join(dir, 'chromium'), browser);
    userChromiums.set(browser, wrapper);
  }
  return wrapper;
}

/** Flags every test browser gets (docs/testing.md). */
export const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  // Keep timers and rendering running in pages that are not in front.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // The window's pixels at half scale. Pages still lay out at the viewport's size with a device
  // pixel ratio of 1 (Playwright's emulation), and screenshots and video frames read back are
  // unchanged; what gets cheaper is the software compositor drawing each video frame to the
  // window: measured here, two people in a call at 1280x720 use 1.25 cores (0.64 of it the
  // compositor), 0.60 with this flag (0.08).
  '--force-device-scale-factor=0.5',
];

export interface Participant {
  color: PatternColor | null;
  server: BrowserServer;
  browser: Browser;
  page: Page;
  /** Kills the whole browser process, as a crash or a power cut would. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The participant's camera shows this colour; null keeps Chromium's own fake pattern. */
  color?: PatternColor | null;
  /**
   * Frames per second of that camera: 10 unless said. Each headless Chromium encodes, decodes and
   * composites its video in software; at 30 fps two people already keep both cores of a small CI
   * machine busy, and a three-person call costs 1.0-1.1 cores at 10 fps against 1.2-1.3 at 15
   * (docs/testing.md).
   */
  cameraFps?: number;
  /** Its size, e.g. '1280x720' (640x360 unless said). */
  cameraSize?: string;
  /**
   * The size a screen share is captured at: 640x360 unless said; null keeps what the app asks for
   * (1920x1080). Chromium's fake screen is a moving pattern, so every frame of it costs a full
   * encode (a real screen mostly stands still): three people sharing it at 1080p kept both cores
   * busy for half a minute here.
   */
  screenSize?: string | null;
  extraFlags?: string[];
  viewport?: { width: number; height: number };
  /** Another Chromium to run, e.g. a wrapper that starts it inside a network namespace (netns.ts). */
  executablePath?: string;
  /**
   * Chromium itself rather than its headless shell, for what only the full browser does: a
   * camera's deviceId that lasts across a reload, notifications.
   */
  fullChromium?: boolean;
  /** The browser's language (navigator.languages, Accept-Language), e.g. 'ru-RU'; Chromium's own (en-US) unless said. */
  locale?: string;
}

const launched = new Set<Participant>();

/** A Chromium process, handed to one participant at a time. */
interface PooledBrowser {
  /** What it was started with: only a participant asking for exactly that gets it again. */
  key: string;
  /** Started as a user's Chromium (not through a test's own wrapper, e.g. into a network namespace). */
  shared: boolean;
  server: BrowserServer;
  browser: Browser;
}

/**
 * Chromium processes whose participant closed, kept for the next participant who asks for the
 * same camera and flags, in this test file or a later one (the end-to-end files share a worker):
 * starting one and closing it costs 1.4 of the 4.5 core-seconds a participant costs here
 * (docs/testing.md). The next participant gets a context of its own (no cookies, storage, cache
 * or permissions of the last one); a killed browser is never reused. After each file, browsers
 * started through the file's own wrapper close, and of the rest the last MAX_IDLE stay
 * (support/browser-pool-setup.ts).
 */
const idle: PooledBrowser[] = [];

/** Idle browsers kept from one test file to the next (most files use two to five, in a few kinds). */
const MAX_IDLE = 6;

async function takeBrowser(executablePath: string, flags: string[]): Promise<PooledBrowser> {
  const key = JSON.stringify([executablePath, flags]);
  for (let i = idle.findLastIndex((b) => b.key === key); i >= 0; i = idle.findLastIndex((b) => b.key === key)) {
    const [pooled] = idle.splice(i, 1);
    if (pooled?.browser.isConnected()) return pooled;
    if (pooled) await closeBrowser(pooled);
  }
  const server = await chromium.launchServer({ executablePath, headless: true, args: flags });
  // Started as a user's browser (directly, or through the priorities wrapper made for one), not through a test's own wrapper.
  const shared = executablePath === HEADLESS_SHELL || executablePath === CHROMIUM || [...userChromiums.values()].includes(executablePath);
  return { key, shared, server, browser: await chromium.connect(server.wsEndpoint()) };
}

async function closeBrowser({ browser, server }: PooledBrowser): Promise<void> {
  await browser.close().catch(() => undefined);
  await server.close().catch(() => undefined);
}

/** One Chromium process per participant at a time: each gets its own fake camera file. */
export async function launchParticipant(options: LaunchOptions = {}): Promise<Participant> {
  const color = options.color === undefined ? null : options.color;
  // Playwright gives every launch a fresh, temporary --user-data-dir of its own.
  const flags = [...BASE_FLAGS, ...(options.extraFlags ?? [])];
  if (color) flags.push(`--use-file-for-fake-video-capture=${fakeCameraFile(color, options.cameraSize, options.cameraFps ?? 10)}`);
  const pooled = await takeBrowser(options.executablePath ?? fairPriorityChromium(options.fullChromium ? CHROMIUM : HEADLESS_SHELL), flags);
  const { server, browser } = pooled;
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 720 },
    ...(options.locale ? { locale: options.locale } : {}),
  });
  const screenSize = options.screenSize === undefined ? '640x360' : options.screenSize;
  if (screenSize) await context.addInitScript(captureScreensAt(screenSize));
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page ${color}] ${error.message}`));
  // PAGE_CONSOLE=1 prints what the page logs, for working out why a test failed.
  if (process.env.PAGE_CONSOLE) page.on('console', (m) => console.error(`[page ${color} console] ${m.text()}`));
  const participant: Participant = {
    color,
    server,
    browser,
    page,
    kill: async () => {
      launched.delete(participant);
      server.process().kill('SIGKILL');
      await server.close().catch(() => undefined);
    },
    close: async () => {
      if (!launched.delete(participant)) return;
      await context.close().catch(() => undefined);
      if (browser.isConnected()) idle.push(pooled);
      else await server.close().catch(() => undefined);
    },
  };
  launched.add(participant);
  return participant;
}

/** A script for the page: getDisplayMedia captures at `size` ('WxH'), whatever size the app asks for. */
function captureScreensAt(size: string): string {
  const [width, height] = size.split('x').map(Number);
  return `(() => {
    const devices = navigator.mediaDevices;
    const capture = devices.getDisplayMedia.bind(devices);
    devices.getDisplayMedia = (options) => {
      const video = typeof options?.video === 'object' ? options.video : {};
      return capture({ ...options, video: { ...video, width: { ideal: ${width} }, height: { ideal: ${height} } } });
    };
  })();`;
}

/** Closes every participant's page; their browsers wait for the file's next participants. */
export async function closeAllParticipants(): Promise<void> {
  await Promise.all([...launched].map((p) => p.close()));
}

/**
 * After a test file: closes every participant, and the browsers the next file should not get —
 * those started through the file's own wrapper (whose network namespace may be gone) and all but
 * the last MAX_IDLE of the rest.
 */
export async function closeFileBrowsers(): Promise<void> {
  await closeAllParticipants();
  const keep = idle.filter((b) => b.shared).slice(-MAX_IDLE);
  const gone = idle.filter((b) => !keep.includes(b));
  idle.splice(0, idle.length, ...keep);
  await Promise.all(gone.map(closeBrowser));
}

/** Closes every participant and every browser started here. */
export async function closeAllBrowsers(): Promise<void> {
  await closeAllParticipants();
  await Promise.all(idle.splice(0).map(closeBrowser));
}
