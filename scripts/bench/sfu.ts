/**
 * npm run bench:sfu — the SFU with 4, 8, 16 and 24 synthetic participants, in one run. Prints one
 * JSON object (progress on stderr).
 *
 * The SFU is the real one: its own process, started as the standalone server starts it
 * (`startSfu(childLauncher)`, through the tests' harness, signaling-server/test/sfu-harness.ts).
 * The participants are the tests' synthetic ones (sfu-participant.ts, node-datachannel): each
 * publishes a microphone and a camera as q/h/f simulcast of VP8-shaped RTP with mid and rid
 * extensions, at a browser's bitrates (180p ~150, 360p ~500, 720p ~1,600 kbit/s, 30 fps), and
 * subscribes to everyone. They run in CLIENT_PROCESSES client processes of their own
 * (support/sfu-client-worker.ts, participant i in process i mod CLIENT_PROCESSES), apart from the
 * SFU's and from this one, which plays the server's part: it relays publish offers and answers and
 * the SFU's offers for the receiving connections over the client processes' IPC channels
 * (support/sfu-client-messages.ts), as TestMeeting does in one process. Each participant views one
 * person large (1280x720: the f layer) and the others as grid tiles (640x360, h, at 4 people;
 * 320x180, q, from 8), so the SFU forwards all three layers.
 *
 * Per size, after a warm-up, over a measuring window that every process counts on the same clock
 * (the machine's monotonic clock, see clockMs in sfu-client-messages.ts): the CPU of the SFU
 * process alone (/proc/<its pid>/stat, all its threads; share of one core) and, apart, of the
 * client processes, of this process and of the rest of the machine; the packets the SFU forwards;
 * the latency from a frame's sending (stamped in each packet's payload by its sender) to each
 * packet's arrival at a subscriber, wherever the two are (it includes loopback, both ends' SRTP and
 * the receiving client's event loop: an upper bound of what the SFU adds); video loss (counters
 * skipped in each received layer); streams received and at which layer; each participant's upload
 * next to what a mesh would need ((N-1) x the 720p camera's bitrate); whether the clients kept up
 * (sent their frames, no client process saturated) and what limited the run (`limitedBy`).
 *
 * Knobs (environment): BENCH_SFU_SIZES="4,8" picks sizes; BENCH_SFU_WARMUP_MS and
 * BENCH_SFU_MEASURE_MS the windows; BENCH_SFU_CLIENT_PROCESSES the client processes (one per core).
 * Bounded: a size whose participants are not all publishing within JOIN_MS is abandoned (and the
 * larger ones with it), every request to a client process has a timeout, and the whole run is
 * stopped past its deadline. An interrupted (SIGINT, SIGTERM), failed or timed-out run stops every
 * process it started: the client processes, the SFU, and any other child of this process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { startTestSfu } from '../../signaling-server/test/sfu-harness';
import { PendingReplies } from './support/pending-replies';
import type { VideoShape } from '../../signaling-server/test/sfu-media';
import type { SubscribeOffer } from '../../signaling-server/test/sfu-participant';
import type { RunningSfu } from '../../signaling-server/src/sfu/gateway';
import { Histogram } from './support/histogram';
import { machineTicks, processCpuSeconds, treeCpuSeconds } from './support/process-cpu';
import { machineBusySeconds, PROJECT_ROOT } from './support/raised-process';
import { clockMs, type CommandName, type Commands, type Measured, type Results, type WorkerMessage } from './support/sfu-client-messages';
import { log } from './support/stats';

const numberFrom = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};
const SIZES = (process.env.BENCH_SFU_SIZES ?? '4,8,16,24')
  .split(',')
  .map(Number)
  .filter((size) => Number.isInteger(size) && size >= 2 && size <= 64);
const WARMUP_MS = numberFrom('BENCH_SFU_WARMUP_MS', 3000);
const MEASURE_MS = numberFrom('BENCH_SFU_MEASURE_MS', 8000);
/**
 * Client processes: by default one per core. More cost more CPU for the same packets (in smoke runs
 * here, 8 people took 0.46 core in 2 processes and 0.82 in 4: a process's packets cost less the
 * more it has), and only share the same cores; fewer queue each process's packets longer.
 */
const CLIENT_PROCESSES = Math.min(32, numberFrom('BENCH_SFU_CLIENT_PROCESSES', availableParallelism()));
/** A size whose participants are not all publishing within this is abandoned (and the larger ones with it). */
const JOIN_MS = 60_000;
/** How long a client process may take to start, and to answer a request (a measurement: its window, plus this). */
const START_MS = 60_000;
const CALL_MS = 30_000;
/** Publishing connections a participant may make in one size (the first and those made anew after a failure). */
const PUBLISH_ATTEMPTS = 5;
/** The window starts this long after the client processes are told of it. */
const WINDOW_LEAD_MS = 250;
/** After a size, for its connections to close before the next. */
const SETTLE_MS = 1500;
/** Everything is stopped and the run fails past this. */
const DEADLINE_MS = 60_000 + SIZES.length * (JOIN_MS + WARMUP_MS + MEASURE_MS + 2 * CALL_MS);
/** A process using this much of a core (or more) is taken as saturated. */
const SATURATED_CORES = 0.85;
/** Clients that sent fewer of their frames than this (%) did not keep up. */
const KEPT_UP_SEND_PCT = 95;
const FPS = 30;

/** Packets per frame and payload bytes: ~150, ~500 and ~1,600 kbit/s at 30 fps with headers. */
const SHAPE: VideoShape = [
  { packets: 1, payload: 600 },
  { packets: 2, payload: 1000 },
  { packets: 6, payload: 1100 },
];
const LAYER_NAMES = ['q', 'h', 'f'] as const;

const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sleepUntil = (at: number): Promise<void> => sleep(Math.max(0, at - clockMs()));
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]): number => sum(values) / Math.max(1, values.length);

/** This process's children (pids), from /proc. */
function children(): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) found.push({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8') });
    } catch {
      // gone
    }
  }
  return found;
}

/** The SFU process: this process's child running the SFU worker. */
function sfuPid(): number {
  const sfu = children().find((child) => child.cmdline.includes('sfu/worker/main'));
  if (!sfu) throw new Error('SFU process not found');
  return sfu.pid;
}

/** Every client process started (even one still starting): stopped at the end, however the run ends. */
const clients: Client[] = [];
/** The SFU, once started. */
let runningSfu: RunningSfu | null = null;

/** A client process (support/sfu-client-worker.ts), asked over its IPC channel. */
class Client {
  private readonly pending = new PendingReplies();
  /** Called when one of its participants' connections fails. */
  onFailure: (index: number, connection: 'publisher' | 'subscriber') => void = () => undefined;
  readonly ready: Promise<void>;

  constructor(
    readonly number: number,
    readonly child: ChildProcess,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client process ${number} did not start within ${START_MS} ms`)), START_MS);
      child.on('message', (message: WorkerMessage) => {
        if ('ready' in message) {
          clearTimeout(timer);
          resolve();
        } else if ('failed' in message) this.onFailure(message.index, message.failed);
        else this.pending.settle(message);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const error = new Error(`client process ${number} exited (${code ?? signal})`);
        reject(error);
        this.pending.failAll(error);
      });
    });
    // A failed spawn, or a send to a process that is gone: its exit says so.
    child.on('error', () => undefined);
  }

  /** Forks a client process (TypeScript through tsx, as the SFU's child launcher runs the SFU), its output on our stderr. */
  static start(number: number): Client {
    const child = fork('scripts/bench/support/sfu-client-worker.ts', [], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    const client = new Client(number, child);
    clients.push(client);
    return client;
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<K extends CommandName>(name: K, args: Commands[K], timeoutMs = CALL_MS): Promise<Results[K]> {
    const { id, reply } = this.pending.open<Results[K]>(timeoutMs, () => `client process ${this.number} did not answer "${name}" within ${timeoutMs} ms`);
    if (!this.child.connected) this.pending.fail(id, new Error(`client process ${this.number} is gone`));
    else
      this.child.send({ id, name, args }, (error) => {
        if (error) this.pending.fail(id, error);
      });
    return reply;
  }

  /** SIGKILL (it holds nothing to save); resolves once it exited, or after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await Promise.race([exited, sleep(5000)]);
  }
}

/** One participant as the orchestrator knows it: where it runs. */
interface Member {
  index: number;
  id: string;
  client: Client;
  publishes: number;
}

/**
 * The server's part for one meeting instance, with the participants in client processes: what
 * TestMeeting (sfu-harness.ts) does, across the IPC channels.
 */
class RemoteMeeting {
  readonly members: Member[] = [];
  /** Connections that failed and were made anew. */
  failures = 0;
  /** The SFU's offers a participant did not answer (its connection was being replaced, or it failed). */
  unansweredOffers = 0;
  private closed = false;

  constructor(
    private readonly sfu: RunningSfu,
    readonly id: string,
    private readonly pool: Client[],
  ) {
    for (const client of pool) client.onFailure = (index, connection) => this.onFailure(index, connection);
  }

  private member(id: string): Member | undefined {
    return this.members.find((m) => m.id === id);
  }

  /** The SFU's offer for a member's receiving connection: to its client process, and its answer back. */
  onOffer(offer: SubscribeOffer & { meeting: string; member: string }): void {
    if (offer.meeting !== this.id || this.closed) return;
    const member = this.member(offer.member);
    if (!member) return;
    const { sdp, revision, fresh, tracks } = offer;
    member.client.call('subscribe', { index: member.index, offer: { sdp, revision, fresh, tracks } }).then(
      ({ sdp: answer }) => {
        if (!this.closed) this.sfu.answer(this.id, member.id, answer, revision);
      },
      () => void (this.unansweredOffers += 1),
    );
  }

  /** As a browser does: a connection that failed is made anew (counted), PUBLISH_ATTEMPTS publishing connections at most. */
  private onFailure(index: number, connection: 'publisher' | 'subscriber'): void {
    const member = this.members.find((m) => m.index === index);
    if (!member || this.closed) return;
    this.failures += 1;
    if (connection === 'subscriber') this.sfu.subscribe(this.id, member.id);
    else if (member.publishes < PUBLISH_ATTEMPTS) void this.publish(member).catch(() => undefined);
  }

  /** A participant publishes (and starts sending) and subscribes. */
  async join(index: number): Promise<void> {
    const client = this.pool[index % this.pool.length]!;
    const member: Member = { index, id: `participant-${index}`, client, publishes: 0 };
    this.members.push(member);
    await this.publish(member, await client.call('join', { index, id: member.id, shape: SHAPE }));
    await client.call('start', { index });
    this.sfu.subscribe(this.id, member.id);
  }

  /** A new publishing connection (`fresh`), made anew if it fails on the answer. */
  async publish(member: Member, first?: Results['join']): Promise<void> {
    for (;;) {
      if (this.closed) return;
      member.publishes += 1;
      const offer = first ?? (await member.client.call('offer', { index: member.index }));
      first = undefined;
      const answer = await this.sfu.publish(this.id, member.id, { sdp: offer.sdp, fresh: true, slots: offer.slots });
      if ((await member.client.call('answer', { index: member.index, sdp: answer })).applied) return;
      this.failures += 1;
      if (member.publishes >= PUBLISH_ATTEMPTS) throw new Error(`${member.id}: no publishing connection in ${PUBLISH_ATTEMPTS} attempts`);
    }
  }

  /** Each one views one person large (the f layer) and the rest as grid tiles. */
  setViews(): void {
    const tile = this.members.length <= 4 ? { width: 640, height: 360 } : { width: 320, height: 180 };
    for (const viewer of this.members) {
      const pinned = this.members[viewer.index === 0 ? 1 : 0]!;
      this.sfu.view(
        this.id,
        viewer.id,
        this.members.filter((m) => m !== viewer).map((m) => ({ from: m.id, slot: 'video' as const, ...(m === pinned ? { width: 1280, height: 720 } : tile) })),
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sfu.end(this.id);
    for (const client of this.pool) client.onFailure = () => undefined;
    await Promise.allSettled(this.pool.map((client) => client.call('close', {})));
  }
}

/** CPU seconds so far: the SFU's, each client process's, this process's, all of ours, and the machine's. */
function cpuSample(pid: number) {
  const own = process.cpuUsage();
  return {
    at: clockMs(),
    sfu: processCpuSeconds(pid),
    clients: clients.map((client) => {
      if (client.child.exitCode !== null || client.child.signalCode !== null) throw new Error(`client process ${client.number} exited`);
      return processCpuSeconds(client.pid);
    }),
    bench: (own.user + own.system) / 1e6,
    tree: treeCpuSeconds(process.pid),
    machine: machineBusySeconds(),
    ticks: machineTicks(),
  };
}

let meeting: RemoteMeeting | null = null;

async function runSize(sfu: RunningSfu, pid: number, size: number): Promise<Record<string, unknown>> {
  const current = new RemoteMeeting(sfu, `bench-${size}`, clients);
  meeting = current;
  try {
    const joinStart = performance.now();
    for (let i = 0; i < size; i++) {
      if (performance.now() - joinStart > JOIN_MS) throw new Error(`${size}: ${i} joined within ${JOIN_MS} ms`);
      await current.join(i);
    }
    const joinMs = performance.now() - joinStart;
    current.setViews();
    log(`${size}: joined in ${Math.round(joinMs)} ms; warming up`);
    await sleep(WARMUP_MS);

    // Every client process counts the same window, on the same clock; CPU and the SFU's counters are read at its ends.
    const fromMs = clockMs() + WINDOW_LEAD_MS;
    const toMs = fromMs + MEASURE_MS;
    const measuring = Promise.all(clients.map((client) => client.call('measure', { fromMs, toMs }, WINDOW_LEAD_MS + MEASURE_MS + CALL_MS)));
    measuring.catch(() => undefined); // awaited below; a failure before then is not unhandled
    await sleepUntil(fromMs);
    const cpu0 = cpuSample(pid);
    const stats0 = await sfu.stats();
    await sleepUntil(toMs);
    const cpu1 = cpuSample(pid);
    const stats1 = await sfu.stats();
    const measured: Measured[] = await measuring;

    const cpuSeconds = (cpu1.at - cpu0.at) / 1000;
    const cores = (delta: number): number => delta / cpuSeconds;
    const sfuCores = cores(cpu1.sfu - cpu0.sfu);
    const clientCores = clients.map((_, k) => cores(cpu1.clients[k]! - cpu0.clients[k]!));
    const clientsCores = sum(clientCores);
    const otherCores = Math.max(0, cores(cpu1.machine - cpu0.machine - (cpu1.tree - cpu0.tree)));
    const machineBusyPct = round(((cpu1.ticks.busy - cpu0.ticks.busy) * 100) / Math.max(1, cpu1.ticks.total - cpu0.ticks.total), 0);
    const statsSeconds = cpuSeconds; // the SFU's counters were read right after each CPU sample
    const rtpOutPerSecond = (stats1.rtpOut - stats0.rtpOut) / statsSeconds;
    const rtpInPerSecond = (stats1.rtpIn - stats0.rtpIn) / statsSeconds;

    // What the client processes counted, over exactly MEASURE_MS.
    const seconds = MEASURE_MS / 1000;
    const kbps = (bytes: number): number => round((bytes * 8) / seconds / 1000, 0);
    const sent = measured.flatMap((m) => m.sent);
    const layerKbps = [0, 1, 2].map((l) => kbps(mean(sent.map((s) => s.layerBytes[l]!))));
    const audioKbps = kbps(mean(sent.map((s) => s.audioBytes)));
    const cameraKbps = layerKbps[2]!; // what one mesh link carries: the 720p camera
    const sendRatePct = sent.map((s) => (s.frames * 100) / (FPS * seconds));
    const latency = measured.reduce((histogram, m) => histogram.merge(m.latency), new Histogram());
    const received = sum(measured.map((m) => m.received));
    const missing = sum(measured.map((m) => m.missing));

    const expectedVideo = size * (size - 1);
    let videoStreams = 0;
    let wrongLayer = 0;
    for (const [subscriber, publisher, layers] of measured.flatMap((m) => m.videoFrom)) {
      const pinned = subscriber === 0 ? 1 : 0;
      const wanted = publisher === pinned ? 2 : size <= 4 ? 1 : 0;
      videoStreams++;
      if (layers !== 1 << wanted) wrongLayer++;
    }
    const audioStreams = size * Math.min(size - 1, size > 10 ? 3 : size - 1);
    const forwardedStreams = expectedVideo + audioStreams;

    const busiestClient = Math.max(...clientCores);
    const clientsKeptUp = Math.min(...sendRatePct) >= KEPT_UP_SEND_PCT && busiestClient < SATURATED_CORES;
    const loops = measured.map((m) => m.eventLoopDelayMs);
    const result = {
      participants: size,
      joinMs: Math.round(joinMs),
      sfuCpuCores: round(sfuCores, 3),
      sfuCpuPerForwardedStreamPct: round((sfuCores * 100) / forwardedStreams, 3),
      sfuCpuPer1000PacketsPerSecondPct: round((sfuCores * 100 * 1000) / rtpOutPerSecond, 2),
      rtpInPerSecond: Math.round(rtpInPerSecond),
      rtpOutPerSecond: Math.round(rtpOutPerSecond),
      forwardedStreams: { video: expectedVideo, audio: audioStreams },
      /** Sender's stamp in the payload to the packet's arrival, across processes (one monotonic clock). */
      latencyMs: {
        samples: latency.count,
        p50: latency.percentile(50),
        p95: latency.percentile(95),
        p99: latency.percentile(99),
        max: round(latency.max, 2),
      },
      video: {
        streamsReceived: videoStreams,
        streamsExpected: expectedVideo,
        streamsAtAnotherLayer: wrongLayer,
        packetsReceived: received,
        packetsMissing: missing,
        lossPct: round((missing * 100) / Math.max(1, received + missing), 3),
        packetsWithoutStamp: sum(measured.map((m) => m.unstamped)),
      },
      uploadPerParticipantKbps: {
        sfu: { q: layerKbps[0], h: layerKbps[1], f: layerKbps[2], audio: audioKbps, video: layerKbps[0]! + layerKbps[1]! + layerKbps[2]! },
        mesh: { video: cameraKbps * (size - 1), formula: `(N-1) x ${cameraKbps} (720p)` },
      },
      /** All the client processes together (the participants; not the SFU, not this process). */
      clientsCpuCores: round(clientsCores, 3),
      /** The worst of the client processes' event loops (it delays receiving, so it is in the latency). */
      clientsEventLoopDelayMs: {
        p50: round(Math.max(...loops.map((l) => l.p50))),
        p99: round(Math.max(...loops.map((l) => l.p99))),
        max: round(Math.max(...loops.map((l) => l.max))),
      },
      /** Each client process: participants hosted, its CPU (share of one core), its event loop's delays. */
      clientProcesses: measured.map((m, k) => ({
        participants: m.participants,
        cpuCores: round(clientCores[k]!, 3),
        eventLoopDelayMs: { p50: round(m.eventLoopDelayMs.p50), p99: round(m.eventLoopDelayMs.p99), max: round(m.eventLoopDelayMs.max) },
      })),
      /** Frames each participant sent, as a share of 30 a second: the lowest and the mean. */
      sendRatePct: { min: round(Math.min(...sendRatePct)), mean: round(mean(sendRatePct)) },
      /** Every participant sent at least KEPT_UP_SEND_PCT % of its frames and no client process reached SATURATED_CORES. */
      clientsKeptUp,
      /**
       * What held the run back: 'clients' (they did not keep up), 'sfu' (its process used SATURATED_CORES
       * or more), 'machine' (all its cores busy, 95 % or more: everyone was starved); none, nothing did.
       */
      limitedBy: [...(clientsKeptUp ? [] : ['clients']), ...(sfuCores >= SATURATED_CORES ? ['sfu'] : []), ...(machineBusyPct >= 95 ? ['machine'] : [])],
      /** This process (it only relays signaling) and the rest of the machine, in cores. */
      benchProcessCpuCores: round(cores(cpu1.bench - cpu0.bench), 3),
      otherProcessesCores: round(otherCores, 2),
      /** The whole machine's busy share (all cores) and load average: it is shared, and a busy one starves SFU and clients. */
      machineBusyPct,
      loadAverage1m: round(loadavg()[0]!),
      reconnects: current.failures,
      unansweredOffers: current.unansweredOffers,
    };
    log(
      `${size}: SFU ${result.sfuCpuCores} cores, clients ${result.clientsCpuCores} cores, latency p50 ${result.latencyMs.p50} p95 ${result.latencyMs.p95} ms, ` +
        `loss ${result.video.lossPct}%, sent ${result.sendRatePct.min}% of frames (min), machine ${machineBusyPct}% busy`,
    );
    return result;
  } finally {
    meeting = null;
    await current.close();
    await sleep(SETTLE_MS);
  }
}

/** Each client process's clock read between two of ours: how far outside that interval it was (0: the clocks agree). */
async function clockCheck(): Promise<number> {
  let worst = 0;
  for (const client of clients) {
    const before = clockMs();
    const { clockMs: theirs } = await client.call('clock', {});
    const after = clockMs();
    worst = Math.max(worst, before - theirs, theirs - after);
  }
  return round(worst, 3);
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  if (SIZES.length === 0) throw new Error('BENCH_SFU_SIZES has no size between 2 and 64');
  log(`starting ${CLIENT_PROCESSES} client processes and the SFU…`);
  for (let k = 0; k < CLIENT_PROCESSES; k++) Client.start(k);
  const [{ sfu }] = await Promise.all([startTestSfu(), Promise.all(clients.map((client) => client.ready))]);
  runningSfu = sfu;
  sfu.onOffer((offer) => meeting?.onOffer(offer));
  const pid = sfuPid();
  const clockOutsideMs = await clockCheck();
  log(`SFU ${sfu.version}, pid ${pid}; client processes ${clients.map((client) => client.pid).join(', ')}`);
  const sizes: Array<Record<string, unknown>> = [];
  let largest = 0;
  let failure: string | null = null;
  for (const size of SIZES) {
    try {
      sizes.push(await runSize(sfu, pid, size));
      largest = size;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      log(`${size}: ${failure}`);
      break;
    }
  }
  type Size = {
    participants: number;
    sfuCpuCores: number;
    sfuCpuPerForwardedStreamPct: number;
    latencyMs: { p50: number; p95: number };
    clientsKeptUp: boolean;
    clientsCpuCores: number;
    otherProcessesCores: number;
    sendRatePct: { min: number };
    limitedBy: string[];
  };
  const done = sizes as unknown as Size[];
  const at24 = done.find((s) => s.participants === 24);
  const keptUp = done.filter((s) => s.clientsKeptUp).at(-1);
  const notKeptUp = done.filter((s) => !s.clientsKeptUp);
  const summary = [
    ...notKeptUp.map(
      (s) =>
        `at ${s.participants} the clients did not keep up on this machine (they sent ${s.sendRatePct.min} % of their frames at the least; ` +
        `client processes ${s.clientsCpuCores} core, SFU ${s.sfuCpuCores}, other work on the machine ${s.otherProcessesCores}; limited by ${s.limitedBy.join(', ')})`,
    ),
    keptUp
      ? `the largest size whose clients kept up: ${keptUp.participants} (SFU ${keptUp.sfuCpuCores} core, ${keptUp.sfuCpuPerForwardedStreamPct} % of a core ` +
        `per forwarded stream, latency p50 ${keptUp.latencyMs.p50} / p95 ${keptUp.latencyMs.p95} ms)`
      : 'no size run had clients that kept up',
    ...(failure ? [`stopped: ${failure}`] : []),
  ].join('; ');
  const output = {
    bench: 'sfu',
    engine: sfu.version,
    clients: `synthetic node-datachannel participants in ${CLIENT_PROCESSES} client processes of their own (participant i in process i mod ${CLIENT_PROCESSES}); the SFU is its own process, its CPU counted alone, the clients' apart`,
    clientProcesses: CLIENT_PROCESSES,
    /** Latency's clock: every process's process.hrtime (the machine's monotonic clock); how far a client process's reading fell outside our two around it (0: they agree). */
    clock: { source: 'process.hrtime (CLOCK_MONOTONIC, one for the machine)', worstOutsideMs: clockOutsideMs },
    layers: Object.fromEntries(SHAPE.map((s, i) => [LAYER_NAMES[i], s])),
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    cores: readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('processor')).length,
    /** The 1-minute load average at the start and at the end: other work on the machine competes for its cores. */
    loadAverage: [round(loadBefore), round(loadavg()[0]!)],
    largestSize: largest,
    /** The largest size run whose clients kept up (`clientsKeptUp`): what this machine can host, and the SFU's cost there. */
    largestSizeClientsKeptUp: keptUp
      ? {
          participants: keptUp.participants,
          sfuCpuCores: keptUp.sfuCpuCores,
          sfuCpuPerForwardedStreamPct: keptUp.sfuCpuPerForwardedStreamPct,
          latencyMs: { p50: keptUp.latencyMs.p50, p95: keptUp.latencyMs.p95 },
        }
      : null,
    failure,
    /** In words: which sizes the machine could not host the clients of, and the largest it could. */
    summary,
    target: {
      participants: 24,
      sfuCpuUnderOneCore: at24 ? at24.sfuCpuCores < 1 : null,
      latencyP95Under10Ms: at24 ? at24.latencyMs.p95 < 10 : null,
      /** Whether this machine hosted the clients of 24 (null: 24 was not run, or did not complete). */
      clientsKeptUp: at24 ? at24.clientsKeptUp : null,
    },
    sizes,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

/** Stops everything this run started: the client processes, the SFU, and any child of this process still there. */
let cleaning: Promise<void> | null = null;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.allSettled(clients.map((client) => client.stop()));
    if (runningSfu) await Promise.race([runningSfu.stop().catch(() => undefined), sleep(5000)]);
    // Whatever is left (an SFU still starting, a client process that did not exit): killed by pid.
    for (const child of children()) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  })();
  return cleaning;
}

const deadline = setTimeout(() => {
  log(`bench:sfu: still running after ${Math.round(DEADLINE_MS / 1000)} s; stopping everything`);
  void cleanUp().finally(() => process.exit(1));
}, DEADLINE_MS);
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`bench:sfu: ${signal}; stopping everything`);
    void cleanUp().finally(() => process.exit(130));
  });
}
main()
  .then(
    () => 0,
    (error: unknown) => {
      log(error instanceof Error ? (error.stack ?? error.message) : String(error));
      return 1;
    },
  )
  .then(async (code) => {
    await cleanUp();
    clearTimeout(deadline);
    process.exit(interrupted ? 130 : code);
  });
