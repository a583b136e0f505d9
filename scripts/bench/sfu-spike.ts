/**
 * npx tsx --tsconfig tests/tsconfig.json scripts/bench/sfu-spike.ts — which WebRTC stack for the
 * SFU: werift (pure TypeScript) or node-datachannel (libdatachannel, N-API). Prints one JSON object.
 *
 * Fan-out: one publisher sends 3-layer VP8-shaped simulcast (180p/360p/720p, ~150/500/1500 kbit/s,
 * 30 fps, rid + mid + transport-wide-cc header extensions, no SSRCs announced, as Chrome does) to
 * an SFU process; 24 subscribers (8 per layer, several per process) each get one layer. Publisher
 * and subscribers are node-datachannel clients in processes of their own, the same for both SFUs,
 * so the SFU process's CPU (all its threads, /proc/<pid>/stat over a steady window) is its own.
 * Every packet carries its send time (CLOCK_MONOTONIC, shared by all processes), so subscribers
 * measure publisher -> subscriber latency and loss. A baseline, `direct`, makes the stream inside
 * a node-datachannel SFU process, so its latency is that of the clients and loopback alone: a
 * stack's added latency is its figure minus the baseline's of the same round. Rounds interleave
 * the three (the machine is shared and noisy) and the spread across rounds is reported. Stress
 * rounds send the same packets `SPIKE_STRESS_RATE` times as often, towards the packet rates of a
 * whole meeting.
 *
 * Then Chromium (tests' flags) publishes its fake camera as real simulcast to each stack (with its
 * microphone in the same connection, and the variants each stack needs to make that work) and
 * subscribes back through it, the SFU forwarding each layer in turn (chromium-check.ts).
 *
 * Settings (environment): SPIKE_ROUNDS (3), SPIKE_SUBSCRIBERS (24), SPIKE_SUBSCRIBER_PROCESSES (3),
 * SPIKE_WARMUP_MS (3000), SPIKE_WINDOW_MS (15000), SPIKE_STRESS_RATE (8; 0 = none),
 * SPIKE_STRESS_ROUNDS (2), SPIKE_NICE (-10 when root, else 0: every spike process runs at that
 * niceness, which shields the figures from other work on a shared machine; 0 = as started),
 * SPIKE_NDC_MUX (0; 1 = node-datachannel's single-port ICE UDP mux), SPIKE_CHROMIUM (1),
 * SPIKE_DEBUG (1: the helpers log connection states and libdatachannel warnings to stderr).
 */
import { cpus, loadavg } from 'node:os';
import { chromiumCheck } from './sfu-spike/chromium-check';
import { type FanoutOptions, type FanoutRun, type RunKind, fanout } from './sfu-spike/fanout';
import { log } from './support/stats';

const env = (name: string, fallback: number): number => (process.env[name] === undefined ? fallback : Number(process.env[name]));
const ROUNDS = env('SPIKE_ROUNDS', 3);
const STRESS_RATE = env('SPIKE_STRESS_RATE', 8);
const STRESS_ROUNDS = env('SPIKE_STRESS_ROUNDS', 2);
const options: FanoutOptions = {
  subscribers: env('SPIKE_SUBSCRIBERS', 24),
  subscriberProcesses: env('SPIKE_SUBSCRIBER_PROCESSES', 3),
  warmupMs: env('SPIKE_WARMUP_MS', 3000),
  windowMs: env('SPIKE_WINDOW_MS', 15_000),
  ndcMux: env('SPIKE_NDC_MUX', 0) === 1,
  nice: env('SPIKE_NICE', process.getuid?.() === 0 ? -10 : 0),
  rate: 1,
};
const KINDS: RunKind[] = ['direct', 'werift', 'node-datachannel'];

interface Spread {
  median: number;
  min: number;
  max: number;
}
function spread(values: number[]): Spread {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const r = (v: number): number => Math.round(v * 1000) / 1000;
  return { median: r(median), min: r(sorted[0]!), max: r(sorted[sorted.length - 1]!) };
}

async function runSafely(kind: RunKind, opts: FanoutOptions): Promise<FanoutRun | { kind: RunKind; rate: number; failed: string }> {
  log(`${kind} x${opts.rate} …`);
  try {
    const run = await fanout(kind, opts);
    log(
      `  cpu ${run.sfuCpuShareOfCore} core, out ${run.packetsOutPerSecond} pkt/s, latency p50 ${run.latencyMs.p50} p95 ${run.latencyMs.p95} ms, loss ${run.lossPercent}%`,
    );
    return run;
  } catch (error) {
    const failed = error instanceof Error ? error.message : String(error);
    log(`  failed: ${failed}`);
    return { kind, rate: opts.rate, failed };
  }
}

const isRun = (r: FanoutRun | { failed: string }): r is FanoutRun => !('failed' in r);

/** Each stack's figures across rounds, and its latency over the same round's baseline. */
function summarize(runs: (FanoutRun | { kind: RunKind; rate: number; failed: string })[], rounds: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kind of KINDS) {
    const mine = runs.filter((r) => r.kind === kind);
    const ok = mine.filter(isRun);
    if (!mine.length) continue;
    const added = (pick: (r: FanoutRun) => number): number[] =>
      ok.flatMap((run) => {
        const index = runs.indexOf(run);
        const round = Math.floor(index / KINDS.length);
        const base = runs.slice(round * KINDS.length, (round + 1) * KINDS.length).find((r) => r.kind === 'direct');
        return base && isRun(base) ? [pick(run) - pick(base)] : [];
      });
    out[kind] = {
      runs: mine.length,
      failed: mine.length - ok.length,
      sfuCpuShareOfCore: spread(ok.map((r) => r.sfuCpuShareOfCore)),
      cpuMicrosecondsPerPacketOut: spread(ok.map((r) => (r.sfuCpuShareOfCore * 1e6) / Math.max(1, r.packetsOutPerSecond))),
      packetsInPerSecond: spread(ok.map((r) => r.packetsInPerSecond)),
      packetsOutPerSecond: spread(ok.map((r) => r.packetsOutPerSecond)),
      latencyP50Ms: spread(ok.map((r) => r.latencyMs.p50)),
      latencyP95Ms: spread(ok.map((r) => r.latencyMs.p95)),
      latencyP99Ms: spread(ok.map((r) => r.latencyMs.p99)),
      ...(kind === 'direct' ? {} : { addedLatencyP50Ms: spread(added((r) => r.latencyMs.p50)), addedLatencyP95Ms: spread(added((r) => r.latencyMs.p95)) }),
      upstreamLossPercent: spread(ok.flatMap((r) => (r.upstreamLossPercent === null ? [] : [r.upstreamLossPercent]))),
      lossPercent: spread(ok.map((r) => r.lossPercent)),
      rssLoadedMiB: spread(ok.map((r) => r.rssMiB.loaded)),
      rssPerConnectionMiB: spread(ok.map((r) => r.rssMiB.perConnection)),
      subscriberConnectedP50Ms: spread(ok.map((r) => r.setupMs.subscriberConnectedP50)),
      subscriberFirstMediaP50Ms: spread(ok.map((r) => r.setupMs.subscriberFirstMediaP50)),
      publisherConnectedMs: spread(ok.flatMap((r) => (r.setupMs.publisher === null ? [] : [r.setupMs.publisher]))),
      machineBusyShare: spread(ok.map((r) => r.machineBusyShare)),
    };
  }
  out.rounds = rounds;
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? '?', node: process.version, loadavgAtStart: loadavg().map((l) => Math.round(l * 10) / 10) };
  log(`sfu-spike: ${ROUNDS} rounds x ${KINDS.join(', ')}, ${options.subscribers} subscribers, nice ${options.nice}`);

  const runs: (FanoutRun | { kind: RunKind; rate: number; failed: string })[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so that no stack always runs first (or right after another's teardown).
    const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]!);
    const results: Record<string, FanoutRun | { kind: RunKind; rate: number; failed: string }> = {};
    for (const kind of order) results[kind] = await runSafely(kind, options);
    for (const kind of KINDS) runs.push(results[kind]!);
  }
  const stress: (FanoutRun | { kind: RunKind; rate: number; failed: string })[] = [];
  if (STRESS_RATE > 0) {
    for (let round = 0; round < STRESS_ROUNDS; round++) {
      const results: Record<string, FanoutRun | { kind: RunKind; rate: number; failed: string }> = {};
      for (const kind of round % 2 ? [...KINDS].reverse() : KINDS)
        results[kind] = await runSafely(kind, { ...options, rate: STRESS_RATE, windowMs: Math.min(options.windowMs, 10_000) });
      for (const kind of KINDS) stress.push(results[kind]!);
    }
  }

  let chromium: unknown = null;
  if (env('SPIKE_CHROMIUM', 1) === 1) {
    log('chromium …');
    try {
      chromium = await chromiumCheck({
        werift: [
          { withAudio: true, note: "werift's own transport-wide-cc feedback" },
          { withAudio: true, env: { SPIKE_WERIFT_BWE: 'remb' }, note: 'REMB sent by the SFU instead of transport-cc' },
        ],
        'node-datachannel': [
          { withAudio: true, note: 'camera and microphone in one connection' },
          { withAudio: false, note: 'camera only' },
          { withAudio: true, env: { SPIKE_NDC_SINGLE_TRACK: '1' }, note: 'camera and microphone, libdatachannel shown the video m-line only' },
        ],
      });
    } catch (error) {
      chromium = { failed: error instanceof Error ? error.message : String(error) };
    }
  }

  const result = {
    bench: 'sfu-spike',
    machine,
    settings: { ...options, rounds: ROUNDS, stressRate: STRESS_RATE, stressRounds: STRESS_ROUNDS },
    summary: summarize(runs, ROUNDS),
    stressSummary: STRESS_RATE > 0 ? summarize(stress, STRESS_ROUNDS) : null,
    runs,
    stress,
    chromium,
    loadavgAtEnd: loadavg().map((l) => Math.round(l * 10) / 10),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
