/**
 * npm run bench:signaling — how many people the signaling server holds and how fast it answers
 * (issue 21). Prints one JSON object; progress goes to stderr.
 *
 * Every server is a process of its own (open-file limit raised as far as allowed), the clients
 * are Socket.IO clients in WORKERS child processes (support/signaling-worker.ts), each holding
 * whole meetings. Every client connection claims an X-Forwarded-For address of its own and the
 * servers run with `--trust-proxy`, so the per-address limits (connections, meetings started,
 * codes tried) stay at their defaults: each address behaves like one person. Three parts:
 * - `single`: a bare Socket.IO echo server (support/signaling-echo.ts: an `echo` acknowledged at
 *   once, Roundtable's ping settings) and ONE Roundtable node (the CLI, plain HTTP on loopback,
 *   SQLite in a temporary folder) each hold SOCKETS connections (joined into meetings of
 *   MEETING_SIZE on Roundtable): memory per socket is the RSS delta / sockets. Then LOADERS of
 *   them send acknowledged requests (`echo` / `ice-servers`), each at most PER_SECOND (under the
 *   server's 100 per second per connection) with at most WINDOW unanswered, in ROUNDS rounds that
 *   alternate between the two servers (so a change in the machine's other work hits both alike):
 *   acknowledged requests per second, their round trip, `ratio` = node / bare, and the CPU the
 *   servers, the clients and everything else used meanwhile (which side was the bottleneck). At
 *   that rate the round trip is mostly queueing (the clients share the two cores), so a `paced`
 *   round (PACED requests per second in all) gives the round trip of an unloaded server too.
 * - `cluster`: two nodes with Redis and PostgreSQL. PAIRS pairs of people in meetings of two send
 *   each other `signal` (a candidate) both ways, at most PER_SECOND each with at most WINDOW on
 *   the way (not yet received): relayed per second and send-to-receive latency with the two of
 *   each pair on different nodes, then on one node (and on the single node above, without Redis);
 *   then the same paced (PACED signals per second in all).
 * - `scale`: SCALE people in meetings of 10 across the same two nodes (alternately on each), added
 *   STEP at a time until all are in or a step fails; whether they are all still connected HOLD_MS
 *   later (past the server's ping timeout) as the clients and the nodes themselves (/metrics)
 *   count them, each node's RSS, and whether a sample of meetings still relays a signal between
 *   its two nodes.
 * Bounded: every batch of connections or joins stops starting new ones after a while, `scale`
 * adds no more steps late in the run, and everything is stopped at DEADLINE_MS.
 * Knobs (environment): BENCH_PARTS (single,cluster), BENCH_SOCKETS, BENCH_LOADERS, BENCH_WINDOW,
 * BENCH_ROUNDS, BENCH_MEASURE_MS, BENCH_PACED, BENCH_PAIRS, BENCH_SCALE, BENCH_STEP, BENCH_WORKERS,
 * BENCH_SERVER_CLI.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startPostgres, startRedis } from '../../signaling-server/test/support/services';
import { Histogram } from './support/histogram';
import { PendingReplies } from './support/pending-replies';
import { cpuSeconds, machineBusySeconds, OPEN_FILES, openFiles, rssBytes, spawnRaised, startListening, type ListeningProcess } from './support/raised-process';
import type { CommandName, Commands, Hello, Latencies, Response, Results } from './support/signaling-messages';
import { treeCpuSeconds } from './support/process-cpu';
import { log } from './support/stats';

const numberFrom = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};
const WORKERS = numberFrom('BENCH_WORKERS', 4);
const SOCKETS = numberFrom('BENCH_SOCKETS', 5000);
const MEETING_SIZE = 10;
const LOADERS = numberFrom('BENCH_LOADERS', 500);
const WINDOW = numberFrom('BENCH_WINDOW', 1);
/** Requests per second per connection: under the server's 100 (bursts of 400). */
const PER_SECOND = 95;
/** A paced round's requests (or signals) per second in all, well under what saturates the machine: latency without the queues. */
const PACED = numberFrom('BENCH_PACED', 1000);
const WARMUP_MS = 1500;
const MEASURE_MS = numberFrom('BENCH_MEASURE_MS', 6000);
const PAIRS = numberFrom('BENCH_PAIRS', 200);
const SCALE = numberFrom('BENCH_SCALE', 20_000);
const STEP = numberFrom('BENCH_STEP', 5000);
const HOLD_MS = 10_000;
/** After everyone left, how long the nodes may take to see them all go. */
const DRAIN_MS = 30_000;
const ROUNDS = numberFrom('BENCH_ROUNDS', 3);
/** BENCH_PARTS=single or cluster: only that part (both by default). */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'single,cluster').split(','));
const SAMPLE_MEETINGS = 100;
/** Connections (and joins) each worker has under way at once. */
const CONNECT_CONCURRENCY = 100;
const JOIN_CONCURRENCY = 50;
/** Everything is stopped and the run fails past this. */
const DEADLINE_MS = 12 * 60_000;
/** No more people are added to `scale` past this (from the start of the run), and no connection or join is started past the next. */
const SCALE_BUDGET_MS = 7 * 60_000;
const STEP_BUDGET_MS = 120_000;
const runStarted = performance.now();
/** How long a batch of connections or joins may go on: STEP_BUDGET_MS, less when the run nears its deadline. */
const stepDeadlineMs = (): number => Math.max(5000, Math.min(STEP_BUDGET_MS, DEADLINE_MS - 2.5 * 60_000 - (performance.now() - runStarted)));
/** A step of `scale` that loses more than this share of its connections or joins is the last. */
const STEP_TOLERANCE = 0.005;
/** Measurements wait (QUIET_WAIT_MS at most each, QUIET_BUDGET_MS in all) until the machine's other work uses less than this many cores. */
const QUIET_CORES = 0.5;
const QUIET_WAIT_MS = 20_000;
const QUIET_BUDGET_MS = 90_000;

/** BENCH_SERVER_CLI: another checkout's signaling-server/src/cli.ts, to measure that one (as in bench:chat). */
const CLI = process.env.BENCH_SERVER_CLI || 'signaling-server/src/cli.ts';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits;
const seconds = (ms: number): number => round(ms / 1000, 1);

/** Everything started, stopped in reverse order at the end (or when the deadline passes). */
const cleanups: Array<() => Promise<void>> = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
}
/** Starts under way: an interrupted run waits for them, so that what they start is stopped too. */
const starting = new Set<Promise<unknown>>();
/** A server (or Redis, PostgreSQL) being started: stopped at the end of the run, however it ends. */
function owned<T extends { stop(): Promise<void> }>(start: Promise<T>): Promise<T> {
  const registered = start.then((thing) => {
    cleanups.push(() => thing.stop());
    return thing;
  });
  starting.add(registered);
  const forget = (): void => void starting.delete(registered);
  registered.then(forget, forget);
  return registered;
}

/** A client process, asked over its IPC channel. */
class Worker {
  private readonly pending = new PendingReplies();

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: Response | Hello) => {
      if (!('ready' in message)) this.pending.settle(message);
    });
    child.once('exit', (code) => this.pending.failAll(new Error(`a client process exited (${code})`)));
  }

  static async start(): Promise<Worker> {
    const child = spawnRaised(['scripts/bench/support/signaling-worker.ts'], ['ignore', 2, 2, 'ipc']);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('a client process did not start within 60 s'));
      }, 60_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => reject(new Error(`a client process exited (${code})`)));
    });
    return new Worker(child);
  }

  call<K extends CommandName>(name: K, args: Commands[K], timeoutMs = 240_000): Promise<Results[K]> {
    const { id, reply } = this.pending.open<Results[K]>(timeoutMs, () => `a client process did not answer "${name}" within ${timeoutMs} ms`);
    this.child.send({ id, name, args });
    return reply;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

let workers: Worker[] = [];
const onEvery = <K extends CommandName>(name: K, args: (worker: number) => Commands[K]): Promise<Array<Results[K]>> =>
  Promise.all(workers.map((worker, k) => worker.call(name, args(k))));

const add = (into: Record<string, number>, from: Record<string, number>): Record<string, number> => {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
  return into;
};
const merged = (all: Latencies[]): ReturnType<Histogram['summary']> => all.reduce((histogram, one) => histogram.merge(one), new Histogram()).summary();

/** One X-Forwarded-For address per connection, never reused in a run. */
let addressSerial = 0;
function nextAddress(): string {
  addressSerial += 1;
  return `10.${(addressSerial >> 16) & 255}.${(addressSerial >> 8) & 255}.${addressSerial & 255}`;
}

/** A meeting as planned (one server URL per person) and as placed: its worker and their socket numbers there. */
interface Planned {
  room: string;
  urls: string[];
}
interface Placed {
  worker: number;
  room: string;
  members: number[];
}

/** Opens every planned person's connection; each meeting's people are in one worker. */
async function connect(meetings: Planned[]): Promise<{ placed: Placed[]; connected: number; failed: Record<string, number>; ms: number }> {
  const targets = workers.map(() => [] as Array<{ meeting: number; url: string; address: string }>);
  meetings.forEach((meeting, i) => {
    for (const url of meeting.urls) targets[i % workers.length]!.push({ meeting: i, url, address: nextAddress() });
  });
  const started = performance.now();
  const results = await onEvery('connect', (k) => ({
    targets: targets[k]!.map(({ url, address }) => ({ url, address })),
    concurrency: CONNECT_CONCURRENCY,
    deadlineMs: stepDeadlineMs(),
  }));
  const ms = performance.now() - started;
  const placed = meetings.map((meeting, i): Placed => ({ worker: i % workers.length, room: meeting.room, members: [] }));
  targets.forEach((list, k) => list.forEach((target, j) => placed[target.meeting]!.members.push(results[k]!.firstIndex + j)));
  return {
    placed,
    connected: results.reduce((sum, result) => sum + result.connected, 0),
    failed: results.reduce((all, result) => add(all, result.failed), {}),
    ms,
  };
}

/** Every placed meeting's first person starts it, then the others join. */
async function joinAll(placed: Placed[]): Promise<{ joined: number; failed: Record<string, number>; ms: number }> {
  const started = performance.now();
  const results = await onEvery('join', (k) => ({
    meetings: placed.filter((meeting) => meeting.worker === k).map(({ room, members }) => ({ room, members })),
    concurrency: JOIN_CONCURRENCY,
    deadlineMs: stepDeadlineMs(),
  }));
  return {
    joined: results.reduce((sum, result) => sum + result.joined, 0),
    failed: results.reduce((all, result) => add(all, result.failed), {}),
    ms: performance.now() - started,
  };
}

/** Sockets still open (and why the others closed) per server URL, and the client processes' memory. */
async function status(): Promise<{ open: Record<string, number>; closed: Record<string, Record<string, number>>; clientRssMB: number }> {
  const results = await onEvery('status', () => ({}));
  const closed: Record<string, Record<string, number>> = {};
  for (const result of results) for (const [url, reasons] of Object.entries(result.closed)) add((closed[url] ??= {}), reasons);
  return {
    open: results.reduce((all, result) => add(all, result.open), {}),
    closed,
    clientRssMB: mb(results.reduce((sum, result) => sum + result.rssBytes, 0)),
  };
}

const closeAll = async (): Promise<void> => void (await onEvery('close', () => ({})));

/** Cores the rest of the machine (everything but this process and its descendants) uses, over `ms`. */
async function otherCores(ms: number): Promise<number> {
  const before = [machineBusySeconds(), treeCpuSeconds(process.pid)];
  await sleep(ms);
  const after = [machineBusySeconds(), treeCpuSeconds(process.pid)];
  return Math.max(0, after[0]! - before[0]! - (after[1]! - before[1]!)) / (ms / 1000);
}

/**
 * Waits (at most QUIET_WAIT_MS, and QUIET_BUDGET_MS over the whole run) until the rest of the
 * machine uses less than QUIET_CORES: a shared machine's other work (test suites, browsers)
 * competes for the same two cores and would be measured too. Returns how long it waited.
 */
let quietBudgetMs = QUIET_BUDGET_MS;
async function quiet(): Promise<number> {
  const started = performance.now();
  while (quietBudgetMs > 0 && performance.now() - started < QUIET_WAIT_MS) {
    if ((await otherCores(1000)) < QUIET_CORES) break;
    quietBudgetMs -= 1000;
  }
  const waited = performance.now() - started;
  if (waited > 1500) log(`  (waited ${seconds(waited)} s for the machine's other work to calm down)`);
  return waited;
}

/**
 * Runs `measure` once the machine is quiet enough, and says how many cores each process used
 * during its measured window (WARMUP_MS after the start, MEASURE_MS long): the named servers,
 * the client processes added up (`clients`), and `otherProcesses`, what the rest of the machine
 * used meanwhile.
 */
async function coresDuring<T>(pids: Record<string, number>, measure: () => Promise<T>): Promise<{ result: T; cores: Record<string, number>; waitedS: number }> {
  const waited = await quiet();
  const all = { ...pids, ...Object.fromEntries(workers.map((worker, k) => [`client-${k}`, worker.child.pid!])) };
  const sample = (): Record<string, number> => ({
    ...Object.fromEntries(Object.entries(all).map(([name, pid]) => [name, cpuSeconds(pid)])),
    machine: machineBusySeconds(),
    tree: treeCpuSeconds(process.pid),
  });
  const during = measure();
  await sleep(WARMUP_MS);
  const before = sample();
  await sleep(MEASURE_MS);
  const after = sample();
  const used = (name: string): number => (after[name]! - before[name]!) / (MEASURE_MS / 1000);
  const cores: Record<string, number> = {};
  let clients = 0;
  for (const name of Object.keys(all)) {
    if (name.startsWith('client-')) clients += used(name);
    else cores[name] = round(used(name), 2);
  }
  return {
    result: await during,
    cores: { ...cores, clients: round(clients, 2), otherProcesses: round(Math.max(0, used('machine') - used('tree')), 2) },
    waitedS: seconds(waited),
  };
}

/** The first LOADERS / WORKERS people of `placed` in each worker. */
const loadersOf = (placed: Placed[]): number[][] =>
  workers.map((_, k) =>
    placed
      .filter((meeting) => meeting.worker === k)
      .flatMap((meeting) => meeting.members)
      .slice(0, Math.ceil(LOADERS / workers.length)),
  );

/** One round: the loaders send `event` to the server as fast as they are allowed (or `perSecond` each). */
async function loadRound(event: string, loaders: number[][], serverPid: number, perSecond = PER_SECOND) {
  const { result, cores, waitedS } = await coresDuring({ server: serverPid }, () =>
    onEvery('load', (k) => ({ event, payload: {}, senders: loaders[k]!, perSecond, window: WINDOW, warmupMs: WARMUP_MS, measureMs: MEASURE_MS })),
  );
  return {
    acked: result.reduce((sum, one) => sum + one.acked, 0),
    latency: result.map((one) => one.latency),
    refused: result.reduce((all, one) => add(all, one.refused), {}),
    unanswered: result.reduce((sum, one) => sum + one.unanswered, 0),
    cores,
    waitedS,
  };
}

/** The rounds of one server, summed up. */
function loadSummary(event: string, rounds: Array<Awaited<ReturnType<typeof loadRound>>>, idleCores: number) {
  const perSecond = (acked: number): number => Math.round(acked / (MEASURE_MS / 1000));
  const acked = rounds.reduce((sum, round) => sum + round.acked, 0);
  const ackedPerSecond = perSecond(acked / rounds.length);
  const mean = (name: string): number => round(rounds.reduce((sum, one) => sum + (one.cores[name] ?? 0), 0) / rounds.length, 2);
  const cores = Object.fromEntries(Object.keys(rounds[0]!.cores).map((name) => [name, mean(name)]));
  return {
    event,
    ackedPerSecond,
    perRound: rounds.map((one) => perSecond(one.acked)),
    latencyMs: merged(rounds.flatMap((one) => one.latency)),
    refused: rounds.reduce((all, one) => add(all, one.refused), {}),
    unanswered: rounds.reduce((sum, one) => sum + one.unanswered, 0),
    /** Mean cores used while measured: the server, the client processes, everything else on the machine. */
    cores,
    /** What the server used holding the connections with no requests. */
    idleServerCores: round(idleCores, 2),
    /** Server CPU per acknowledged request, beyond holding the connections. */
    serverCpuUsPerRequest: round((Math.max(0, (cores.server ?? 0) - idleCores) * 1e6) / Math.max(1, ackedPerSecond), 1),
  };
}

/** One round: each pair (the first two people of the `placed` meetings) signals both ways as fast as allowed (or `perSecond` each). */
async function relayRound(placed: Placed[], pids: Record<string, number>, perSecond = PER_SECOND) {
  const { result, cores, waitedS } = await coresDuring(pids, () =>
    onEvery('relay', (k) => ({
      pairs: placed
        .filter((meeting) => meeting.worker === k && meeting.members.length >= 2)
        .map((meeting): [number, number] => [meeting.members[0]!, meeting.members[1]!]),
      perSecond,
      window: WINDOW,
      warmupMs: WARMUP_MS,
      measureMs: MEASURE_MS,
    })),
  );
  return { pairs: result.reduce((sum, one) => sum + one.pairs, 0), result, cores, waitedS };
}

/** The rounds of one relay, summed up. */
function relaySummary(rounds: Array<Awaited<ReturnType<typeof relayRound>>>) {
  const results = rounds.flatMap((round) => round.result);
  const perSecond = (received: number): number => Math.round(received / rounds.length / (MEASURE_MS / 1000));
  const receivedOf = (one: Results['relay'], d?: number): number =>
    one.directions.reduce((sum, direction, i) => sum + (d === undefined || d === i ? direction.received : 0), 0);
  const direction = (d: number) => ({
    relayedPerSecond: perSecond(results.reduce((sum, one) => sum + receivedOf(one, d), 0)),
    latencyMs: merged(results.map((one) => one.directions[d]!.latency)),
  });
  const names = Object.keys(rounds[0]!.cores);
  return {
    /** Pairs that took part (both in their meeting and connected), in the first round. */
    pairs: rounds[0]!.pairs,
    relayedPerSecond: perSecond(results.reduce((sum, one) => sum + receivedOf(one), 0)),
    perRound: rounds.map((round) => Math.round(round.result.reduce((sum, one) => sum + receivedOf(one), 0) / (MEASURE_MS / 1000))),
    /** Sent to received. */
    latencyMs: merged(results.flatMap((one) => one.directions.map((d) => d.latency))),
    /** Sent to acknowledged by the server. */
    ackLatencyMs: merged(results.map((one) => one.ackLatency)),
    /** 0: from each meeting's first person (who started it, so on the node running it) to the second; 1: back. */
    byDirection: [direction(0), direction(1)],
    lost: results.reduce((sum, one) => sum + one.lost, 0),
    refused: results.reduce((all, one) => add(all, one.refused), {}),
    /** Mean cores used while measured. */
    cores: Object.fromEntries(names.map((name) => [name, round(rounds.reduce((sum, one) => sum + (one.cores[name] ?? 0), 0) / rounds.length, 2)])),
    waitedForQuietS: round(
      rounds.reduce((sum, one) => sum + one.waitedS, 0),
      1,
    ),
  };
}

/** A paced round of requests: PACED per second in all, spread over the loaders. */
async function pacedLoad(event: string, loaders: number[][], serverPid: number) {
  const one = await loadRound(event, loaders, serverPid, PACED / Math.max(1, loaders.flat().length));
  return { perSecond: PACED, ackedPerSecond: Math.round(one.acked / (MEASURE_MS / 1000)), latencyMs: merged(one.latency), refused: one.refused };
}

/** A paced round of signals: PACED per second in all, spread over both ends of every pair. */
async function pacedRelay(placed: Placed[], pids: Record<string, number>) {
  const pairs = placed.filter((meeting) => meeting.members.length >= 2).length;
  const { relayedPerSecond, latencyMs, lost, refused } = relaySummary([await relayRound(placed, pids, PACED / Math.max(1, 2 * pairs))]);
  return { perSecond: PACED, relayedPerSecond, latencyMs, lost, refused };
}

const meetingsOf = (count: number, prefix: string, urls: (meeting: number, member: number) => string, size = MEETING_SIZE): Planned[] =>
  Array.from({ length: Math.ceil(count / size) }, (_, m) => ({
    room: `${prefix}-${m}`,
    urls: Array.from({ length: Math.min(size, count - m * size) }, (_, k) => urls(m, k)),
  }));

/**
 * Part 1: the bare server and one node, both holding SOCKETS connections, loaded in turns (ROUNDS
 * rounds each, alternating), so that a change in what else runs on the machine hits both alike.
 */
async function single() {
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-bench-signaling-'));
  const servers: ListeningProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  try {
    servers.push(await owned(startListening('echo', ['scripts/bench/support/signaling-echo.ts'])));
    servers.push(
      await owned(startListening('node', [CLI, '--host', '127.0.0.1', '--port', '0', '--http', '--trust-proxy', '--sfu-from', 'off', '--data-dir', dataDir])),
    );
    const [bare, node] = servers as [ListeningProcess, ListeningProcess];
    await sleep(1000);
    const hold = async (kind: 'bare' | 'node', server: ListeningProcess) => {
      const rssBefore = rssBytes(server.pid);
      log(`${kind}: ${SOCKETS} connections${kind === 'node' ? ', joining meetings' : ''}…`);
      const population = await connect(meetingsOf(SOCKETS, `${kind}-meeting`, () => server.url));
      const joined = kind === 'node' ? await joinAll(population.placed) : undefined;
      await sleep(2000);
      const rssHeld = rssBytes(server.pid);
      return {
        placed: population.placed,
        report: {
          sockets: SOCKETS,
          connected: population.connected,
          /** Failed attempts (each connection gets a second one). */
          connectErrors: population.failed,
          connectS: seconds(population.ms),
          ...(joined ? { joined: joined.joined, joinFailed: joined.failed, joinS: seconds(joined.ms) } : {}),
          rssBeforeMB: mb(rssBefore),
          rssHeldMB: mb(rssHeld),
          bytesPerSocket: Math.round((rssHeld - rssBefore) / Math.max(1, population.connected)),
        },
      };
    };
    const bareHeld = await hold('bare', bare);
    const nodeHeld = await hold('node', node);
    // What holding the connections costs with no requests (pings every 3 s), to tell the requests' CPU from it.
    const idleBefore = [cpuSeconds(bare.pid), cpuSeconds(node.pid)];
    await sleep(3000);
    const idleCores = [cpuSeconds(bare.pid), cpuSeconds(node.pid)].map((after, i) => (after - idleBefore[i]!) / 3);
    const bareLoaders = loadersOf(bareHeld.placed);
    const nodeLoaders = loadersOf(nodeHeld.placed);
    // The client processes' first loads (their code, and the servers', is not optimised yet): not measured.
    log('warming up…');
    for (const [event, loaders] of [
      ['echo', bareLoaders],
      ['ice-servers', nodeLoaders],
    ] as const) {
      await onEvery('load', (k) => ({ event, payload: {}, senders: loaders[k]!, perSecond: PER_SECOND, window: WINDOW, warmupMs: 0, measureMs: 2000 }));
    }
    const bareRounds: Array<Awaited<ReturnType<typeof loadRound>>> = [];
    const nodeRounds: Array<Awaited<ReturnType<typeof loadRound>>> = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      log(`load, round ${r + 1} of ${ROUNDS}…`);
      bareRounds.push(await loadRound('echo', bareLoaders, bare.pid));
      nodeRounds.push(await loadRound('ice-servers', nodeLoaders, node.pid));
    }
    log(`load, paced at ${PACED} per second…`);
    const barePaced = await pacedLoad('echo', bareLoaders, bare.pid);
    const nodePaced = await pacedLoad('ice-servers', nodeLoaders, node.pid);
    log('node: relay between pairs…');
    const relayPairs = nodeHeld.placed.slice(0, PAIRS);
    const oneNodeRelay = { ...relaySummary([await relayRound(relayPairs, { server: node.pid })]), paced: await pacedRelay(relayPairs, { server: node.pid }) };
    const held = await status();
    await closeAll();
    const bareRequests = loadSummary('echo', bareRounds, idleCores[0]!);
    const nodeRequests = loadSummary('ice-servers', nodeRounds, idleCores[1]!);
    return {
      /** Acknowledged requests per second, the node's over the bare server's (target ≥ 0.8), and per round. */
      ratio: round(nodeRequests.ackedPerSecond / bareRequests.ackedPerSecond, 2),
      ratioPerRound: nodeRounds.map((one, r) => round(one.acked / Math.max(1, bareRounds[r]!.acked), 2)),
      /** What the machine's other work used meanwhile (mean cores of 2) and how long the rounds waited for it to calm down. */
      otherProcessesCores: round([...bareRounds, ...nodeRounds].reduce((sum, one) => sum + (one.cores.otherProcesses ?? 0), 0) / (2 * ROUNDS), 2),
      waitedForQuietS: round(
        [...bareRounds, ...nodeRounds].reduce((sum, one) => sum + one.waitedS, 0),
        1,
      ),
      /** Server CPU per request (beyond holding the connections), the bare server's over the node's: the ratio if the server were the only bottleneck. */
      cpuRatio: nodeRequests.serverCpuUsPerRequest > 0 ? round(bareRequests.serverCpuUsPerRequest / nodeRequests.serverCpuUsPerRequest, 2) : null,
      bare: {
        ...bareHeld.report,
        stillOpen: held.open[bare.url] ?? 0,
        closed: held.closed[bare.url] ?? {},
        /** As fast as the machine goes (LOADERS at most PER_SECOND each), then paced (PACED per second in all). */
        requests: bareRequests,
        paced: barePaced,
        serverStderrLines: bare.stderr.lines,
      },
      node: {
        ...nodeHeld.report,
        stillOpen: held.open[node.url] ?? 0,
        closed: held.closed[node.url] ?? {},
        requests: nodeRequests,
        paced: nodePaced,
        /** PAIRS pairs in its meetings signal each other both ways (no Redis: the reference for part 2). */
        relay: oneNodeRelay,
        serverStderrLines: node.stderr.lines,
      },
    };
  } finally {
    cleanups.splice(cleanups.indexOf(stop), 1);
    await stop();
  }
}

/** What a node says it holds (its Prometheus gauges at /metrics): open connections, and people in the meetings it runs. */
async function gauges(url: string): Promise<{ connections: number; participants: number; meetings: number }> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const read = (name: string): number => Number(new RegExp(`^roundtable_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { connections: read('connections'), participants: read('participants'), meetings: read('meetings') };
}

/**
 * Waits (at most `ms`) until no node has a connection or a person in a meeting left (a meeting
 * whose host disconnected stays, empty, for the host's grace): how long it took, or what was
 * still there when it gave up.
 */
async function drained(urls: string[], ms: number): Promise<{ s: number } | { left: Array<Awaited<ReturnType<typeof gauges>> | undefined> }> {
  const started = performance.now();
  for (;;) {
    const all = await Promise.all(urls.map((url) => gauges(url).catch(() => undefined)));
    if (all.every((one) => one && one.connections === 0 && one.participants === 0)) return { s: seconds(performance.now() - started) };
    if (performance.now() - started > ms) return { left: all };
    await sleep(250);
  }
}

/** Parts 2 and 3: two nodes sharing meetings through Redis (and PostgreSQL). */
async function cluster() {
  log('cluster: Redis, PostgreSQL, two nodes…');
  const [redis, postgres] = await Promise.all([owned(startRedis()), owned(startPostgres())]);
  const env = { ...process.env, ROUNDTABLE_REDIS_URL: redis.url, ROUNDTABLE_DATABASE_URL: postgres.url };
  const nodes: ListeningProcess[] = await Promise.all(
    ['node-a', 'node-b'].map((name) =>
      owned(startListening(name, [CLI, '--host', '127.0.0.1', '--port', '0', '--http', '--trust-proxy', '--metrics', '--node-name', name], env)),
    ),
  );
  const [a, b] = nodes as [ListeningProcess, ListeningProcess];
  const pids = { 'node-a': a.pid, 'node-b': b.pid, redis: redis.process.pid! };
  const url = (n: number): string => (n % 2 === 0 ? a.url : b.url);

  // PAIRS meetings of two across the nodes, PAIRS on one node each; their rounds alternate.
  // The person who starts each meeting alternates between the nodes, so both run meetings.
  log(`cluster: ${PAIRS} pairs across the nodes, ${PAIRS} on one node…`);
  const across = await connect(meetingsOf(PAIRS * 2, 'across', (m, k) => url(m + k), 2));
  const alone = await connect(meetingsOf(PAIRS * 2, 'alone', (m) => url(m), 2));
  const acrossJoined = await joinAll(across.placed);
  const aloneJoined = await joinAll(alone.placed);
  const acrossRounds: Array<Awaited<ReturnType<typeof relayRound>>> = [];
  const aloneRounds: Array<Awaited<ReturnType<typeof relayRound>>> = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    log(`relay, round ${r + 1} of ${ROUNDS}…`);
    acrossRounds.push(await relayRound(across.placed, pids));
    aloneRounds.push(await relayRound(alone.placed, pids));
  }
  log(`relay, paced at ${PACED} per second…`);
  const crossNode = {
    joined: acrossJoined.joined,
    joinFailed: acrossJoined.failed,
    ...relaySummary(acrossRounds),
    paced: await pacedRelay(across.placed, pids),
  };
  const sameNode = { joined: aloneJoined.joined, joinFailed: aloneJoined.failed, ...relaySummary(aloneRounds), paced: await pacedRelay(alone.placed, pids) };
  await closeAll();
  // The meetings end on both nodes before the next part.
  const relayDrainedS = await drained([a.url, b.url], DRAIN_MS);

  // Part 3.
  const rssBefore = { 'node-a': mb(rssBytes(a.pid)), 'node-b': mb(rssBytes(b.pid)) };
  const steps: Array<{
    people: number;
    connectS: number;
    joinS: number;
    connectErrors: Record<string, number>;
    joinFailed: Record<string, number>;
    openAfter: number;
  }> = [];
  const openOf = (open: Record<string, number>): number => (open[a.url] ?? 0) + (open[b.url] ?? 0);
  const placed: Placed[] = [];
  let held = 0;
  let stoppedBecause: string | undefined;
  let connectMs = 0;
  let joinMs = 0;
  while (held < SCALE) {
    if (performance.now() - runStarted > SCALE_BUDGET_MS) {
      stoppedBecause = `the run's time budget (${SCALE_BUDGET_MS / 60_000} min) was spent`;
      break;
    }
    const count = Math.min(STEP, SCALE - held);
    log(`scale: ${held} + ${count} people…`);
    // Meeting m's people alternate between the nodes, the first of them on node m % 2.
    const population = await connect(meetingsOf(count, `scale-${held}`, (m, k) => url(m + k)));
    const joined = await joinAll(population.placed);
    connectMs += population.ms;
    joinMs += joined.ms;
    placed.push(...population.placed);
    held += joined.joined;
    const open = openOf((await status()).open);
    steps.push({
      people: count,
      connectS: seconds(population.ms),
      joinS: seconds(joined.ms),
      connectErrors: population.failed,
      joinFailed: joined.failed,
      openAfter: open,
    });
    const dead = nodes.filter((node) => node.process.exitCode !== null || node.process.signalCode !== null);
    if (dead.length > 0) stoppedBecause = `${dead.map((node) => node.name).join(', ')} exited`;
    else if (population.connected < count * (1 - STEP_TOLERANCE)) stoppedBecause = `${count - population.connected} of ${count} connections failed`;
    else if (joined.joined < count * (1 - STEP_TOLERANCE)) stoppedBecause = `${count - joined.joined} of ${count} joins failed`;
    else if (open < held * (1 - STEP_TOLERANCE)) stoppedBecause = `${held - open} of ${held} people lost their connection`;
    if (stoppedBecause) break;
  }
  log(`scale: holding ${held} for ${HOLD_MS / 1000} s…`);
  await sleep(HOLD_MS);
  const after = await status();
  const tookOverWhileJoining = nodes.map((node) => node.count(/took over meeting/));
  const nodeGauges = { 'node-a': await gauges(a.url), 'node-b': await gauges(b.url) };
  const nodeRssMB = { 'node-a': mb(rssBytes(a.pid)), 'node-b': mb(rssBytes(b.pid)) };
  // A sample of meetings, spread over all of them: their first person signals their second (on the other node).
  const every = Math.max(1, Math.floor(placed.length / SAMPLE_MEETINGS));
  const sample = placed.filter((meeting, i) => i % every === 0 && meeting.members.length >= 2).slice(0, SAMPLE_MEETINGS);
  const checked = await onEvery('check', (k) => ({
    pairs: sample.filter((meeting) => meeting.worker === k).map((meeting): [number, number] => [meeting.members[0]!, meeting.members[1]!]),
    timeoutMs: 10_000,
  }));
  const scale = {
    target: SCALE,
    joined: held,
    stillOpen: openOf(after.open),
    stillOpenByNode: { 'node-a': after.open[a.url] ?? 0, 'node-b': after.open[b.url] ?? 0 },
    /** The nodes' own count (/metrics): connections open to each, and people in the meetings each runs. */
    nodesSay: nodeGauges,
    holds: held === SCALE && openOf(after.open) === SCALE && nodeGauges['node-a'].participants + nodeGauges['node-b'].participants === SCALE,
    ...(stoppedBecause ? { stoppedBecause } : {}),
    closed: { 'node-a': after.closed[a.url] ?? {}, 'node-b': after.closed[b.url] ?? {} },
    connectS: seconds(connectMs),
    joinS: seconds(joinMs),
    steps,
    rssBeforeMB: rssBefore,
    rssMB: nodeRssMB,
    bytesPerPerson: Math.round(((nodeRssMB['node-a'] + nodeRssMB['node-b'] - rssBefore['node-a'] - rssBefore['node-b']) * 2 ** 20) / Math.max(1, held)),
    redisRssMB: mb(rssBytes(redis.process.pid!)),
    clientRssMB: after.clientRssMB,
    sampleRelay: { meetings: sample.length, relayed: checked.reduce((sum, one) => sum + one.received, 0) },
    /** Meetings a node took over (it believed the other had died) up to the end of the hold. */
    tookOver: { 'node-a': tookOverWhileJoining[0]!, 'node-b': tookOverWhileJoining[1]! },
  };
  log('scale: closing…');
  await closeAll();
  // The nodes see everyone go (across nodes too) before they are stopped.
  const scaleDrainedS = await drained([a.url, b.url], DRAIN_MS);
  return {
    nodes: 2,
    /** After everyone left: seconds until both nodes had no connection and nobody in a meeting (or what was left after DRAIN_MS). */
    drainedS: { relay: relayDrainedS, scale: scaleDrainedS },
    crossNode,
    sameNode,
    scale,
    /** What the nodes logged, to the end (everyone leaving included): "took over" means a node decided the other had died and ran its meeting. */
    logs: Object.fromEntries(
      nodes.map((node) => [
        node.name,
        {
          tookOver: node.count(/took over meeting/),
          stdoutLines: node.stdout.lines,
          stderrLines: node.stderr.lines,
          firstStdout: node.stdout.first.slice(0, 3),
          firstStderr: node.stderr.first.slice(0, 3),
        },
      ]),
    ),
  };
}

async function main(): Promise<void> {
  const started = runStarted;
  const loadBefore = loadavg()[0]!;
  // All started or none: those that did are stopped when one fails.
  const clients = await Promise.allSettled(Array.from({ length: WORKERS }, () => Worker.start()));
  workers = clients.flatMap((one) => (one.status === 'fulfilled' ? [one.value] : []));
  cleanups.push(() => Promise.all(workers.map((worker) => worker.stop())).then(() => undefined));
  const failed = clients.find((one) => one.status === 'rejected');
  if (failed) throw failed.reason;
  // A part that fails is reported as its error, and the parts after it are skipped: what was measured is still printed.
  let failure: string | undefined;
  const part = async <T>(name: string, run: () => Promise<T>): Promise<T | { error: string } | { skipped: string } | undefined> => {
    if (!PARTS.has(name)) return undefined;
    if (failure) return { skipped: failure };
    try {
      return await run();
    } catch (error) {
      log(`${name}: ${String(error)}`);
      failure = `${name} failed`;
      process.exitCode = 1;
      return { error: String(error) };
    }
  };
  const one = await part('single', single);
  const clustered = await part('cluster', cluster);
  process.stdout.write(
    `${JSON.stringify({
      machine: {
        cores: cpus().length,
        memoryGiB: round(totalmem() / 2 ** 30, 1),
        node: process.version,
        clientProcesses: WORKERS,
        /** Each process's open-file limit: OPEN_FILES asked for, the hard limit when it could not be raised. */
        openFilesPerProcess: openFiles(workers[0]!.child.pid!),
        openFilesAsked: OPEN_FILES,
        /** The 1-minute load average at the start and at the end: other work on the machine competes for its cores. */
        loadAverage: [round(loadBefore, 1), round(loadavg()[0]!, 1)],
      },
      server: CLI,
      addresses: 'every client connection sends its own X-Forwarded-For address and the nodes run with --trust-proxy; per-address limits at their defaults',
      single: one && {
        sockets: SOCKETS,
        meetingSize: MEETING_SIZE,
        loaders: LOADERS,
        perSocketPerSecond: PER_SECOND,
        window: WINDOW,
        rounds: ROUNDS,
        measureSPerRound: MEASURE_MS / 1000,
        pacedPerSecond: PACED,
        ...one,
      },
      cluster: clustered,
      durationS: seconds(performance.now() - started),
    })}\n`,
  );
}

const deadline = setTimeout(() => {
  log(`bench:signaling: still running after ${DEADLINE_MS / 60_000} minutes; stopping everything`);
  void cleanUp().finally(() => process.exit(1));
}, DEADLINE_MS);
// Interrupted: the servers it started (Redis, PostgreSQL, the nodes) are stopped too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`bench:signaling: ${signal}; stopping everything`);
    void Promise.allSettled([...starting])
      .then(cleanUp)
      .finally(() => process.exit(130));
  });
}
void main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanUp();
    clearTimeout(deadline);
  });
