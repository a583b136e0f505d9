/**
 * One fan-out run: an SFU process of one stack, a publisher process sending 3-layer simulcast,
 * and subscribers (several per process) that each get one layer; the SFU's CPU, packet rates and
 * memory are read over a steady window, the subscribers' loss and latency reported.
 */
import { log, percentile } from '../support/stats';
import { LAYERS, nowMs } from './media';
import {
  type ChildLink,
  type PublisherCommand,
  type PublisherEvent,
  type SfuCommand,
  type SfuEvent,
  type SfuStats,
  type SubscriberReport,
  type SubscribersCommand,
  type SubscribersEvent,
  forkHelper,
  publisherEvent,
  sfuEvent,
  subscribersEvent,
} from './protocol';
import { cpuSeconds, machineTicks, rssMiB, threads } from './procfs';

export type Stack = 'werift' | 'node-datachannel';
/** `direct`: the baseline, the stream made inside a node-datachannel "SFU" (no publisher hop). */
export type RunKind = Stack | 'direct';

export interface FanoutOptions {
  subscribers: number;
  subscriberProcesses: number;
  warmupMs: number;
  windowMs: number;
  ndcMux: boolean;
  /** Niceness of every spike process (SFU, publisher, subscribers); 0 leaves it alone. */
  nice: number;
  /** 1: 30 fps; n: n times as many frames a second (stress). */
  rate: number;
}

export interface FanoutRun {
  kind: RunKind;
  version: string;
  rate: number;
  /** SFU CPU over the window, as a share of one core (1 = a whole core). */
  sfuCpuShareOfCore: number;
  packetsInPerSecond: number;
  packetsOutPerSecond: number;
  /** Publisher send -> subscriber receive, every packet of every subscriber in the window. */
  latencyMs: { p50: number; p95: number; p99: number; max: number; n: number };
  latencyP95ByLayerMs: number[];
  /** Publisher -> SFU: packets the publisher sent in the window that the SFU's stack did not deliver. */
  upstreamLossPercent: number | null;
  /** SFU -> subscribers (end to end): packets of their layer the subscribers did not get. */
  lossPercent: number;
  duplicates: number;
  wrongSsrc: number;
  seqJumps: number;
  rssMiB: { idle: number; loaded: number; perConnection: number };
  threads: number;
  setupMs: {
    publisher: number | null;
    subscriberConnectedP50: number;
    subscriberConnectedMax: number;
    subscriberFirstMediaP50: number;
    subscriberFirstMediaMax: number;
  };
  publisher: { keyframes: number; plis: number; rembKbps: number | null; lateTicks: number } | null;
  sfu: Pick<SfuStats, 'pliFromSubscribers' | 'keyframeRequestsUpstream' | 'switches' | 'unplaced'>;
  /** The whole machine's busy share over the window (other work on it included), 1 = all cores. */
  machineBusyShare: number;
  /** Subscriber connections that failed while being set up (and were made again). */
  connectionFailures: number;
  errors: string[];
}

const HELPERS = new URL('./', import.meta.url);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

export async function fanout(kind: RunKind, options: FanoutOptions): Promise<FanoutRun> {
  const spawn = { env: { SPIKE_NDC_MUX: options.ndcMux ? '1' : '0', SPIKE_RATE: String(options.rate) }, nice: options.nice };
  const sfuFile = new URL(kind === 'werift' ? 'sfu-werift.ts' : 'sfu-ndc.ts', HELPERS);
  const sfu = forkHelper<SfuCommand, SfuEvent>(`sfu(${kind})`, sfuFile, sfuEvent, spawn);
  const subProcs: ChildLink<SubscribersCommand, SubscribersEvent>[] = [];
  let publisher: ChildLink<PublisherCommand, PublisherEvent> | null = null;
  try {
    const { version } = await sfu.next('ready', 30_000);
    await sleep(300);
    const idleRss = rssMiB(sfu.pid);
    for (let i = 0; i < options.subscriberProcesses; i++) {
      const link = forkHelper<SubscribersCommand, SubscribersEvent>(`subscribers-${i}`, new URL('subscribers.ts', HELPERS), subscribersEvent, spawn);
      subProcs.push(link);
    }
    await Promise.all(subProcs.map((link) => link.next('ready', 30_000)));

    let publisherSetupMs: number | null = null;
    if (kind === 'direct') {
      sfu.send({ t: 'generate' });
    } else {
      publisher = forkHelper<PublisherCommand, PublisherEvent>('publisher', new URL('publisher.ts', HELPERS), publisherEvent, spawn);
      await publisher.next('ready', 30_000);
      const start = nowMs();
      publisher.send({ t: 'offer' });
      const offer = await publisher.next('offer', 10_000);
      sfu.send({ t: 'publish', sdp: offer.sdp });
      const answer = await sfu.next('publish-answer', 10_000);
      const connected = publisher.next('connected', 15_000);
      publisher.send({ t: 'answer', sdp: answer.sdp });
      publisherSetupMs = (await connected).atMs - start;
    }

    // Subscribers join one after another: the time each takes is the connection set-up.
    const connectedMs: number[] = [];
    const firstMediaMs: number[] = [];
    let connectionFailures = 0;
    for (let id = 0; id < options.subscribers; id++) {
      const link = subProcs[id % subProcs.length]!;
      const layer = id % LAYERS.length;
      for (let attempt = 1; ; attempt++) {
        const start = nowMs();
        const offer = sfu.next('subscribe-offer', 10_000, (e) => e.id === id);
        sfu.send({ t: 'subscribe', id, layer });
        const answer = link.next('answer', 10_000, (e) => e.id === id);
        link.send({ t: 'offer', id, layer, sdp: (await offer).sdp });
        const connected = link.next('connected', 15_000, (e) => e.id === id);
        const failed = link.next('failed', 15_000, (e) => e.id === id);
        const firstMedia = link.next('first-media', 15_000, (e) => e.id === id);
        sfu.send({ t: 'subscribe-answer', id, sdp: (await answer).sdp });
        const outcome = await Promise.race([connected, failed]);
        if (outcome.t === 'failed') {
          // A fresh connection for the same subscriber (the SFU and the client replace the old one).
          connectionFailures++;
          if (attempt === 3) throw new Error(`subscriber ${id}: connection failed ${attempt} times`);
          continue;
        }
        connectedMs.push(outcome.atMs - start);
        firstMediaMs.push((await firstMedia).atMs - start);
        if (process.env.SPIKE_DEBUG) log(`subscriber ${id}: connected ${Math.round(outcome.atMs - start)} ms, sfu cpu ${cpuSeconds(sfu.pid)} s`);
        break;
      }
    }

    await sleep(options.warmupMs);
    const statsNow = async (): Promise<SfuStats> => {
      const reply = sfu.next('stats', 10_000);
      sfu.send({ t: 'stats' });
      return (await reply).stats;
    };
    const publisherSent = async (): Promise<number> => {
      if (!publisher) return Number.NaN;
      const reply = publisher.next('stats', 10_000);
      publisher.send({ t: 'stats' });
      return (await reply).packetsSent;
    };
    for (const link of subProcs) link.send({ t: 'window', on: true });
    const before = { at: nowMs(), cpu: cpuSeconds(sfu.pid), stats: await statsNow(), machine: machineTicks(), sent: await publisherSent() };
    await sleep(options.windowMs);
    const after = { at: nowMs(), cpu: cpuSeconds(sfu.pid), stats: await statsNow(), machine: machineTicks(), sent: await publisherSent() };
    for (const link of subProcs) link.send({ t: 'window', on: false });
    const loadedRss = rssMiB(sfu.pid);
    const sfuThreads = threads(sfu.pid);

    const reports: SubscriberReport[] = [];
    for (const link of subProcs) {
      const reply = link.next('report', 15_000);
      link.send({ t: 'report' });
      reports.push(...(await reply).subscribers);
    }
    let publisherStats: FanoutRun['publisher'] = null;
    if (publisher) {
      const reply = publisher.next('stats', 10_000);
      publisher.send({ t: 'stats' });
      const s = await reply;
      publisherStats = { keyframes: s.keyframes, plis: s.plis, rembKbps: s.rembBps === null ? null : Math.round(s.rembBps / 1000), lateTicks: s.lateTicks };
    }

    const seconds = (after.at - before.at) / 1000;
    const latencies = reports.flatMap((r) => r.latenciesUs).map((us) => us / 1000);
    const expected = reports.reduce((a, r) => a + r.expected, 0);
    const received = reports.reduce((a, r) => a + r.received, 0);
    const conns = options.subscribers + (kind === 'direct' ? 0 : 1);
    return {
      kind,
      version,
      rate: options.rate,
      sfuCpuShareOfCore: round((after.cpu - before.cpu) / seconds, 3),
      packetsInPerSecond: Math.round((after.stats.rtpIn - before.stats.rtpIn) / seconds),
      packetsOutPerSecond: Math.round((after.stats.rtpOut - before.stats.rtpOut) / seconds),
      latencyMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: percentile(latencies, 100),
        n: latencies.length,
      },
      latencyP95ByLayerMs: LAYERS.map((_, layer) =>
        percentile(
          reports.filter((r) => r.layer === layer).flatMap((r) => r.latenciesUs.map((us) => us / 1000)),
          95,
        ),
      ),
      upstreamLossPercent: publisher ? round(100 * (1 - (after.stats.rtpIn - before.stats.rtpIn) / Math.max(1, after.sent - before.sent)), 2) : null,
      lossPercent: expected ? round((100 * (expected - received)) / expected, 3) : 100,
      duplicates: reports.reduce((a, r) => a + r.duplicates, 0),
      wrongSsrc: reports.reduce((a, r) => a + r.wrongSsrc, 0),
      seqJumps: reports.reduce((a, r) => a + r.seqJumps, 0),
      rssMiB: { idle: idleRss, loaded: loadedRss, perConnection: round((loadedRss - idleRss) / conns, 2) },
      threads: sfuThreads,
      setupMs: {
        publisher: publisherSetupMs === null ? null : round(publisherSetupMs),
        subscriberConnectedP50: percentile(connectedMs, 50),
        subscriberConnectedMax: percentile(connectedMs, 100),
        subscriberFirstMediaP50: percentile(firstMediaMs, 50),
        subscriberFirstMediaMax: percentile(firstMediaMs, 100),
      },
      publisher: publisherStats,
      sfu: {
        pliFromSubscribers: after.stats.pliFromSubscribers,
        keyframeRequestsUpstream: after.stats.keyframeRequestsUpstream,
        switches: after.stats.switches,
        unplaced: after.stats.unplaced,
      },
      machineBusyShare: round((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total), 2),
      connectionFailures,
      errors: [sfu, publisher, ...subProcs].flatMap((link) => link?.errors ?? []),
    };
  } finally {
    await Promise.all([sfu.stop({ t: 'stop' }), publisher?.stop({ t: 'stop' }), ...subProcs.map((link) => link.stop({ t: 'stop' }))]);
  }
}
