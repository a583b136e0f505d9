import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createSignalingServer, createWebClientHandler, type SignalingOptions, type SignalingServer } from '@roundtable/signaling-server';
import { nearestColor, type PatternColor } from './fake-media';
import { tileRgb } from './meeting-page';
import { WEB_ROOT } from './paths';

/**
 * What the fault tests and `npm run bench:faults` watch and do: the call's phase and tiles as a
 * user sees them, whether a tile's video is moving, ICE events inside the page, and faults (a frozen
 * machine). Page code is passed as strings: tsx would otherwise wrap functions in a helper the page
 * lacks.
 */

/** The real server and web client, in this process, listening on `host` (e.g. a lab's bridge). */
export async function startLanServer(
  host: string,
  options: SignalingOptions = {},
): Promise<{ url: string; port: number; signaling: SignalingServer; close(): Promise<void> }> {
  const handler = createWebClientHandler(WEB_ROOT);
  const http: Server = createServer((req, res) => void handler(req, res));
  const signaling = createSignalingServer(http, {}, options);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, host, resolve);
  });
  const { port } = http.address() as AddressInfo;
  return { url: `http://${host}:${port}`, port, signaling, close: () => signaling.close() };
}

/** The meeting screen's phase (`joined`, `reconnecting`, …), or null when not on it. */
export function phase(page: Page): Promise<string | null> {
  return page.evaluate(`document.querySelector('main.meeting')?.getAttribute('data-phase') ?? null`) as Promise<string | null>;
}

/** Frames decoded so far by the video element of `id`'s tile (0 when there is none). */
export function decodedFrames(page: Page, id: string): Promise<number> {
  return page.evaluate(
    `(() => { const v = document.querySelector('[data-testid="tile"][data-participant-id="${id}"] video'); return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0; })()`,
  ) as Promise<number>;
}

/** Polls `probe` every `everyMs` until it returns something other than undefined; rejects after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Resolves with the time (Date.now) at which `page` shows `id`'s video moving again in the expected
 * colour: new frames decoded since the previous look, and the picture is `color`.
 */
export async function videoMoving(page: Page, id: string, color: PatternColor, timeoutMs: number): Promise<number> {
  let before = await decodedFrames(page, id).catch(() => 0);
  return until(
    async () => {
      const frames = await decodedFrames(page, id);
      const moved = frames > before;
      before = frames;
      if (!moved) return undefined;
      const rgb = await tileRgb(page, id);
      return rgb && nearestColor(rgb) === color ? Date.now() : undefined;
    },
    timeoutMs,
    `${color} video of ${id} moving`,
    100,
  );
}

/** Video from `id` keeps moving on `page` for `ms` (checked every 500 ms). */
export async function keepsMoving(page: Page, id: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  let frames = await decodedFrames(page, id);
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await decodedFrames(page, id);
    if (now <= frames) return false;
    frames = now;
  }
  return true;
}

/**
 * Before the app's scripts: records every RTCPeerConnection as it is made, its ICE and signaling
 * state changes, and each restartIce() call with the ICE state it was made in, all stamped with
 * Date.now().
 */
export const ICE_WATCH = `(() => {
  const Native = window.RTCPeerConnection;
  const log = [];
  const connections = [];
  Object.defineProperty(window, '__rtIce', { value: { log, connections } });
  const restartIce = Native.prototype.restartIce;
  Native.prototype.restartIce = function () {
    log.push({ at: Date.now(), event: 'restartIce', pc: connections.indexOf(this), ice: this.iceConnectionState });
    return restartIce.call(this);
  };
  class Watched extends Native {
    constructor(...args) {
      super(...args);
      const pc = connections.push(this) - 1;
      log.push({ at: Date.now(), event: 'created', pc });
      this.addEventListener('signalingstatechange', () => log.push({ at: Date.now(), event: 'signaling', pc, signaling: this.signalingState }));
      this.addEventListener('iceconnectionstatechange', () => log.push({ at: Date.now(), event: 'ice', pc, ice: this.iceConnectionState }));
    }
  }
  window.RTCPeerConnection = Watched;
})();`;

export interface IceEvent {
  at: number;
  event: 'created' | 'ice' | 'signaling' | 'restartIce';
  pc: number;
  ice?: RTCIceConnectionState;
  signaling?: RTCSignalingState;
}

export function iceLog(page: Page): Promise<IceEvent[]> {
  return page.evaluate(`window.__rtIce.log.slice()`) as Promise<IceEvent[]>;
}

/**
 * Records, each time the page starts a remote participant's sound (an <audio> given a stream),
 * the states of the connections it has then. Needs ICE_WATCH first.
 */
export const AUDIO_START_WATCH = `(() => {
  const starts = [];
  Object.defineProperty(window, '__rtAudioStarts', { value: starts });
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...srcObject,
    set(value) {
      if (value && this instanceof HTMLAudioElement && this.dataset.participantId) {
        starts.push(window.__rtIce.connections.map((pc) => pc.connectionState).filter((state) => state !== 'closed'));
      }
      srcObject.set.call(this, value);
    },
  });
})();`;

/** For each remote sound the page started, the states of its open connections at the time. */
export function audioStarts(page: Page): Promise<RTCPeerConnectionState[][]> {
  return page.evaluate('window.__rtAudioStarts.slice()') as Promise<RTCPeerConnectionState[][]>;
}

/** The ICE username fragments (local, remote) of every open connection the page made. */
export function iceCredentials(page: Page): Promise<Array<{ pc: number; local: string | null; remote: string | null }>> {
  return page.evaluate(`window.__rtIce.connections.map((pc, i) => ({
    pc: i,
    closed: pc.connectionState === 'closed',
    local: /a=ice-ufrag:(\\S+)/.exec(pc.localDescription?.sdp ?? '')?.[1] ?? null,
    remote: /a=ice-ufrag:(\\S+)/.exec(pc.remoteDescription?.sdp ?? '')?.[1] ?? null,
  })).filter((c) => !c.closed)`) as Promise<Array<{ pc: number; local: string | null; remote: string | null }>>;
}

/** A process and all its descendants (Linux /proc). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Freezes a whole browser (every process of it), as a machine going to sleep would; returns the thaw. */
export function freeze(root: number): () => void {
  const pids = processTree(root);
  for (const pid of pids) signal(pid, 'SIGSTOP');
  return () => {
    for (const pid of pids) signal(pid, 'SIGCONT');
  };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
