/**
 * What a subscriber's downlink carries, and how its videos share it.
 *
 * The estimate: the loss the subscriber reports of what the SFU sends it (its receiver reports),
 * through the same loss-based rule as a publisher's bitrate (`BitrateEstimate`: down towards what
 * was sent when more than 10 % is lost, up 8 % a second below 2 %). Until a report shows loss there
 * is no limit, and without reports (or with too few to tell) the estimate does not move. Its rise is what tries a larger
 * layer again: if the link cannot take it, the loss brings it back down.
 *
 * Not the subscriber's own estimate (REMB): a browser makes it on the receiving side only from the
 * abs-send-time header extension, and it never rises far above what arrives, so without probing
 * (padding, which the SFU does not send) a layer lowered once would stay low. Measured in
 * Chromium without the extension: 5 to 17 kbit/s while it received about 1 Mbit/s cleanly. The
 * SFU therefore offers subscribers no `goog-remb` (`sdp.ts`).
 *
 * The share (`allocateLayers`): every shown video gets at least the smallest layer arriving; then,
 * largest view first, each is raised a layer at a time towards the layer its view asks for, as far
 * as the estimate allows. Pure, so that it is tested on its own.
 */
import { type LayerState, type ViewSize, chooseLayer } from './layers.js';
import { BitrateEstimate } from './receive-stats.js';

/** How often the estimate moves (the rule's steps are per second). */
const WINDOW_MS = 1000;
const MIN_BITRATE = 100_000;
/**
 * A window counts only with this many packets reported and this much sent: a few packets' loss, or
 * the loss of a second when the SFU itself had next to nothing to send (its publishers stalled),
 * says nothing of what the link can carry.
 */
const MIN_EXPECTED = 20;
const MIN_SENT_BPS = MIN_BITRATE;
/** A layer above the one forwarded is taken only with this much of the estimate to spare. */
const UPGRADE_HEADROOM = 0.9;
/** What a layer is taken to need before it was measured: a camera's q, h and f at browser bitrates. */
const ASSUMED_BITRATE = [150_000, 500_000, 1_500_000] as const;

export class DownlinkEstimate {
  private readonly loss = new BitrateEstimate(MIN_BITRATE, Infinity, Infinity);
  private lost = 0;
  private expected = 0;
  private windowStart: number | null = null;
  private sentAtStart = { video: 0, audio: 0 };
  private audioBps = 0;

  /** A report block about one of the subscriber's lines: the share lost of the packets expected since its last. */
  report(fractionLost: number, expected: number): void {
    this.lost += fractionLost * expected;
    this.expected += expected;
  }

  /**
   * Moves the estimate once a window is over, from the reports that came in it and what was sent
   * meanwhile (`sent`: bytes sent to the subscriber so far). Returns whether it moved.
   */
  update(sent: { video: number; audio: number }, now: number): boolean {
    if (this.windowStart === null) {
      this.windowStart = now;
      this.sentAtStart = { ...sent };
      return false;
    }
    const elapsed = now - this.windowStart;
    if (elapsed < WINDOW_MS) return false;
    const bps = (bytes: number): number => (bytes * 8000) / elapsed;
    const sentBps = bps(sent.video - this.sentAtStart.video + sent.audio - this.sentAtStart.audio);
    this.audioBps = bps(sent.audio - this.sentAtStart.audio);
    const reported = this.expected >= MIN_EXPECTED && sentBps >= MIN_SENT_BPS;
    const before = this.loss.bitrate;
    if (reported) this.loss.update(this.lost / this.expected, sentBps);
    this.windowStart = now;
    this.sentAtStart = { ...sent };
    this.lost = 0;
    this.expected = 0;
    return this.loss.bitrate !== before;
  }

  /** Bits per second the subscriber can receive (Infinity: nothing says there is a limit). */
  get limit(): number {
    return this.loss.bitrate;
  }

  /** What is left of the limit for video, once the sound forwarded lately is counted. */
  get videoBudget(): number {
    return Math.max(0, this.limit - this.audioBps);
  }
}

/** One video a subscriber is sent: how big it shows it, what of it is arriving, which layer it gets now. */
export interface VideoDemand {
  view: ViewSize | undefined;
  layers: readonly LayerState[];
  current: number | null;
}

const rateOf = (layers: readonly LayerState[], layer: number): number =>
  layers[layer]?.bitrate ?? ASSUMED_BITRATE[Math.min(layer, ASSUMED_BITRATE.length - 1)]!;
/** Before a view is known a video shows at about the middle layer's size. */
const areaOf = (view: ViewSize | undefined): number => (view ? view.width * view.height : 640 * 360);

/** The layer each video gets (in `demands`' order; null: none), within `budget` bits per second. */
export function allocateLayers(demands: readonly VideoDemand[], budget: number): (number | null)[] {
  const wanted = demands.map((d) => chooseLayer(d.view, d.layers));
  if (budget === Infinity) return wanted;
  // What each may get: the layers arriving up to the one its view asks for (that one alone if none is arriving).
  const steps = demands.map((d, i) => {
    const top = wanted[i];
    if (top === null || top === undefined) return [];
    const arriving = d.layers.slice(0, top + 1).flatMap((layer, index) => (layer.live ? [index] : []));
    return arriving.length > 0 ? arriving : [top];
  });
  const chosen = steps.map(() => 0);
  let total = steps.reduce((sum, s, i) => (s.length > 0 ? sum + rateOf(demands[i]!.layers, s[0]!) : sum), 0);
  const order = demands.map((_, i) => i).sort((a, b) => areaOf(demands[b]!.view) - areaOf(demands[a]!.view));
  for (const i of order) {
    const { layers, current } = demands[i]!;
    const s = steps[i]!;
    while (chosen[i]! < s.length - 1) {
      const [from, to] = [s[chosen[i]!]!, s[chosen[i]! + 1]!];
      const extra = rateOf(layers, to) - rateOf(layers, from);
      const room = current === null || to > current ? budget * UPGRADE_HEADROOM : budget;
      if (total + extra > room) break;
      total += extra;
      chosen[i]!++;
    }
  }
  return steps.map((s, i) => (s.length > 0 ? s[chosen[i]!]! : null));
}
