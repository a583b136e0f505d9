/**
 * Does a real browser work with the SFU? Debian's Chromium (playwright-core, the tests' flags)
 * publishes its fake camera as 3-layer simulcast (q/h/f: 1/4, 1/2, full 1280x720), optionally with
 * its fake microphone in the same connection, to an SFU process of one stack; a second connection
 * in the same page subscribes, and the SFU is told to forward q, then h, then f. Recorded: what
 * the SFU received per rid, what Chromium sent and decoded per step, the audio level extension,
 * and how long the connections took.
 */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Browser, type Page, chromium } from 'playwright-core';
import { BASE_FLAGS, CHROMIUM } from '../../../tests/e2e/support/chromium';
import { type Stack } from './fanout';
import { LAYERS, nowMs } from './media';
import { type SfuCommand, type SfuEvent, type SfuStats, forkHelper, sfuEvent } from './protocol';

export interface Variant {
  /** The fake microphone in the same connection as the simulcast camera. */
  withAudio: boolean;
  /** Environment of the SFU process (e.g. SPIKE_WERIFT_BWE). */
  env?: Record<string, string>;
  note: string;
}

export interface ChromiumAttempt {
  withAudio: boolean;
  note: string;
  /** Offer made -> Chromium's publishing connection 'connected', ms. */
  publisherConnectedMs: number | null;
  /** What the SFU received per rid after the warm-up (packets, kbit/s). */
  receivedByRid: Record<string, { packets: number; kbps: number }>;
  /** What Chromium says it sends per rid (resolution, and why it is limited). */
  sentByRid: Record<string, { width: number; kbps: number; limitedBy: string }>;
  /** Chromium's estimate of the bandwidth it may use towards the SFU (feedback works if this grows). */
  availableOutgoingKbps: number | null;
  subscriberConnectedMs: number | null;
  subscriberFirstFrameMs: number | null;
  /** One step per forwarded layer: what the subscribing connection decoded. */
  steps: { layer: string; width: number; height: number; fps: number; keyFrames: number; plis: number; nacks: number; lost: number }[];
  audio: SfuStats['audio'];
  unplaced: number;
  error: string | null;
}

export interface ChromiumResult {
  browser: string;
  attempts: ChromiumAttempt[];
}

const HELPERS = new URL('./', import.meta.url);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** `promise`, or a rejection naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Page code as text (tsx would wrap functions in a helper the page lacks).
const GATHERED = `(pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
})`;
const CONNECTED = `(pc) => new Promise((resolve, reject) => {
  const check = () => {
    if (pc.connectionState === 'connected') resolve();
    if (pc.connectionState === 'failed') reject(new Error('connection failed'));
  };
  pc.addEventListener('connectionstatechange', check);
  check();
})`;
const publishScript = (withAudio: boolean): string => `(async () => {
  const gathered = ${GATHERED};
  const pc = new RTCPeerConnection();
  window.pub = pc;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: ${withAudio}, video: { width: 1280, height: 720, frameRate: 30 } });
  ${withAudio ? "pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly' });" : ''}
  pc.addTransceiver(stream.getVideoTracks()[0], {
    direction: 'sendonly',
    sendEncodings: ${JSON.stringify(LAYERS.map((l, i) => ({ rid: l.rid, scaleResolutionDownBy: 2 ** (LAYERS.length - 1 - i), maxBitrate: l.kbps * 1000 })))},
  });
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
})()`;
const subscribeScript = (offer: string): string => `(async () => {
  const gathered = ${GATHERED};
  const pc = new RTCPeerConnection();
  window.sub = pc;
  pc.ontrack = (event) => {
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.srcObject = new MediaStream([event.track]);
    document.body.append(video);
  };
  await pc.setRemoteDescription({ type: 'offer', sdp: ${JSON.stringify(offer)} });
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
})()`;
const SENT = `(async () => {
  const out = {};
  let available = null;
  (await window.pub.getStats()).forEach((s) => {
    if (s.type === 'outbound-rtp' && s.kind === 'video') out[s.rid] = { bytes: s.bytesSent, width: s.frameWidth ?? 0, limitedBy: s.qualityLimitationReason ?? '' };
    if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate) available = s.availableOutgoingBitrate;
  });
  return { at: performance.now(), out, available };
})()`;
interface Sent {
  at: number;
  out: Record<string, { bytes: number; width: number; limitedBy: string }>;
  available: number | null;
}
const RECEIVED = `(async () => {
  let r = { width: 0, height: 0, frames: 0, keyFrames: 0, plis: 0, nacks: 0, lost: 0 };
  (await window.sub.getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video')
      r = { width: s.frameWidth ?? 0, height: s.frameHeight ?? 0, frames: s.framesDecoded ?? 0, keyFrames: s.keyFramesDecoded ?? 0, plis: s.pliCount ?? 0, nacks: s.nackCount ?? 0, lost: s.packetsLost ?? 0 };
  });
  return { at: performance.now(), ...r };
})()`;
interface Received {
  at: number;
  width: number;
  height: number;
  frames: number;
  keyFrames: number;
  plis: number;
  nacks: number;
  lost: number;
}

async function attempt(page: Page, stack: Stack, { withAudio, env, note }: Variant): Promise<ChromiumAttempt> {
  const result: ChromiumAttempt = {
    withAudio,
    note,
    publisherConnectedMs: null,
    receivedByRid: {},
    sentByRid: {},
    availableOutgoingKbps: null,
    subscriberConnectedMs: null,
    subscriberFirstFrameMs: null,
    steps: [],
    audio: { packets: 0, withLevel: 0, lastLevelDbov: null },
    unplaced: 0,
    error: null,
  };
  const sfu = forkHelper<SfuCommand, SfuEvent>(`sfu(${stack}, chromium)`, new URL(stack === 'werift' ? 'sfu-werift.ts' : 'sfu-ndc.ts', HELPERS), sfuEvent, {
    env: env ?? {},
  });
  const stats = async (): Promise<SfuStats> => {
    const reply = sfu.next('stats', 10_000);
    sfu.send({ t: 'stats' });
    return (await reply).stats;
  };
  try {
    await sfu.next('ready', 30_000);
    await page.reload();
    const start = nowMs();
    const offer = await within(page.evaluate<string>(publishScript(withAudio)), 15_000, 'the publishing offer');
    sfu.send({ t: 'publish', sdp: offer });
    const answer = await sfu.next('publish-answer', 10_000);
    await page.evaluate(`window.pub.setRemoteDescription({ type: 'answer', sdp: ${JSON.stringify(answer.sdp)} })`);
    await within(page.evaluate(`(${CONNECTED})(window.pub)`), 15_000, 'the publishing connection');
    result.publisherConnectedMs = Math.round(nowMs() - start);

    // Let the bandwidth estimate and the layers come up, then measure 3 s.
    await sleep(6000);
    const [s0, r0] = [await page.evaluate<Sent>(SENT), await stats()];
    await sleep(3000);
    const [s1, r1] = [await page.evaluate<Sent>(SENT), await stats()];
    const seconds = (s1.at - s0.at) / 1000;
    for (const [rid, now] of Object.entries(s1.out)) {
      const before = s0.out[rid];
      result.sentByRid[rid] = { width: now.width, kbps: Math.round(((now.bytes - (before?.bytes ?? 0)) * 8) / seconds / 1000), limitedBy: now.limitedBy };
    }
    for (const [rid, now] of Object.entries(r1.streams)) {
      const before = r0.streams[rid];
      result.receivedByRid[rid] = {
        packets: now.packets,
        kbps: Math.round(((now.bytes - (before?.bytes ?? 0)) * 8) / seconds / 1000),
      };
    }
    result.availableOutgoingKbps = s1.available === null ? null : Math.round(s1.available / 1000);

    // A subscriber in the same page, forwarded each layer in turn.
    const id = 1000;
    const subStart = nowMs();
    const subOffer = sfu.next('subscribe-offer', 10_000, (e) => e.id === id);
    sfu.send({ t: 'subscribe', id, layer: 0 });
    const subAnswer = await within(page.evaluate<string>(subscribeScript((await subOffer).sdp)), 15_000, 'the subscribing answer');
    sfu.send({ t: 'subscribe-answer', id, sdp: subAnswer });
    await within(page.evaluate(`(${CONNECTED})(window.sub)`), 15_000, 'the subscribing connection');
    result.subscriberConnectedMs = Math.round(nowMs() - subStart);
    const deadline = nowMs() + 10_000;
    while (nowMs() < deadline) {
      if ((await page.evaluate<Received>(RECEIVED)).frames > 0) {
        result.subscriberFirstFrameMs = Math.round(nowMs() - subStart);
        break;
      }
      await sleep(50);
    }
    for (let layer = 0; layer < LAYERS.length; layer++) {
      sfu.send({ t: 'switch', id, layer });
      await sleep(2500);
      const a = await page.evaluate<Received>(RECEIVED);
      await sleep(2000);
      const b = await page.evaluate<Received>(RECEIVED);
      result.steps.push({
        layer: LAYERS[layer]!.rid,
        width: b.width,
        height: b.height,
        fps: Math.round(((b.frames - a.frames) / (b.at - a.at)) * 1000 * 10) / 10,
        keyFrames: b.keyFrames,
        plis: b.plis,
        nacks: b.nacks,
        lost: b.lost,
      });
    }
    const final = await stats();
    result.audio = final.audio;
    result.unplaced = final.unplaced;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    await page.evaluate('window.pub?.close(); window.sub?.close();').catch(() => undefined);
    await sfu.stop({ t: 'stop' });
  }
  if (sfu.errors.length) result.error = [result.error, ...sfu.errors].filter(Boolean).join('; ');
  return result;
}

/** Runs the check for each stack and each of its variants, in one Chromium. */
export async function chromiumCheck(variants: Partial<Record<Stack, Variant[]>>): Promise<Record<string, ChromiumResult>> {
  // A page on loopback is a secure context, as getUserMedia wants.
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>sfu spike</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let browser: Browser | null = null;
  const results: Record<string, ChromiumResult> = {};
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: BASE_FLAGS });
    const page = await browser.newPage();
    await page.goto(url);
    for (const [stack, list] of Object.entries(variants) as [Stack, Variant[]][]) {
      const attempts: ChromiumAttempt[] = [];
      for (const variant of list) attempts.push(await attempt(page, stack, variant));
      results[stack] = { browser: browser.version(), attempts };
    }
  } finally {
    await browser?.close();
    server.close();
  }
  return results;
}
