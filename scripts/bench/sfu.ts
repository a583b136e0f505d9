/**
 * npm run bench:sfu — the SFU with 4, 8, 16 and 24 synthetic participants, in one run. Prints one
 * JSON object (progress on stderr).
 *
 * The SFU is the real one: its own process, started as the standalone server starts it
 * (`startSfu(childLauncher)`, through the tests' harness, signaling-server/test/sfu-harness.ts).
 * The participants are the tests' synthetic ones (sfu-participant.ts, node-datachannel): each
 * publishes a microphone and a camera as q/h/f simulcast of VP8-shaped RTP with mid and rid
 * extensions, at a browser's bitrates (180p ~150, 360p ~500, 720p ~1,600 kbit/s, 30 fps), and
 * subscribes to everyone. They all run in THIS process, not in processes of their own: the SFU's
 * CPU is read from /proc/<its pid>/stat alone, so theirs is not counted in it (it is reported
 * apart, as `clientsCpu`). Each views one person large (1280x720: the f layer) and the others as
 * grid tiles (640x360, h, at 4 people; 320x180, q, from 8), so the SFU forwards all three layers.
 *
 * Per size, after a warm-up, over a measuring window: the SFU process's CPU (share of one core, all
 * its threads), the packets it forwards, the latency from a frame's sending to each packet's arrival
 * at a subscriber (one clock: everyone is in this process; it includes loopback, both ends' SRTP and
 * this process's event loop, so it is an upper bound of what the SFU adds), video loss (counters
 * skipped in each received layer), streams received, and each participant's upload next to what a
 * mesh would need ((N-1) x the 720p camera's bitrate). BENCH_SFU_SIZES="4,8" picks sizes;
 * BENCH_SFU_WARMUP_MS and BENCH_SFU_MEASURE_MS the windows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TestMeeting, startTestSfu } from '../../signaling-server/test/sfu-harness';
import { readTail, type VideoShape } from '../../signaling-server/test/sfu-media';
import { type SyntheticParticipant } from '../../signaling-server/test/sfu-participant';
import { parseRtp } from '../../signaling-server/src/sfu/worker/rtp';
import { machineTicks, processCpuSeconds } from './support/process-cpu';
import { log, percentile } from './support/stats';

const SIZES = (process.env.BENCH_SFU_SIZES ?? '4,8,16,24').split(',').map(Number);
const WARMUP_MS = Number(process.env.BENCH_SFU_WARMUP_MS ?? 3000);
const MEASURE_MS = Number(process.env.BENCH_SFU_MEASURE_MS ?? 8000);
/** A size whose participants are not all publishing within this is abandoned (and the larger ones with it). */
const JOIN_MS = 60_000;
const LATENCY_SAMPLES = 200_000;

/** Packets per frame and payload bytes: ~150, ~500 and ~1,600 kbit/s at 30 fps with headers. */
const SHAPE: VideoShape = [
  { packets: 1, payload: 600 },
  { packets: 2, payload: 1000 },
  { packets: 6, payload: 1100 },
];
const LAYER_NAMES = ['q', 'h', 'f'] as const;

const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The SFU process: this process's child running the SFU worker. */
function sfuPid(): number {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sfu/worker/main')) return pid;
    } catch {
      // gone
    }
  }
  throw new Error('SFU process not found');
}

/** What the bench sees of the packets, while `measuring`. */
class Probe {
  measuring = false;
  /** Per publisher: when each frame was sent. */
  private readonly sentAt = new Map<number, Map<number, number>>();
  /** Bytes sent per publisher per layer (video) and audio, while measuring. */
  readonly uploadBytes = new Map<number, { layers: number[]; audio: number }>();
  readonly latencies: number[] = [];
  latencyCount = 0;
  received = 0;
  missing = 0;
  /** Per subscriber/publisher/layer: the last counter seen. */
  private readonly last = new Map<string, number>();
  /** Per subscriber: the publishers whose video came, and at which layer, while measuring. */
  readonly videoFrom = new Map<number, Map<number, Set<number>>>();

  attach(p: SyntheticParticipant): void {
    const frames = new Map<number, number>();
    this.sentAt.set(p.index, frames);
    const upload = { layers: [0, 0, 0], audio: 0 };
    this.uploadBytes.set(p.index, upload);
    const camera = p.camera;
    const nextFrame = camera.nextFrame.bind(camera);
    camera.nextFrame = (): Buffer[] => {
      const packets = nextFrame();
      const now = performance.now();
      for (const packet of packets) {
        const rtp = parseRtp(packet);
        const tail = rtp && readTail(packet, rtp.payloadOffset);
        if (!tail) continue;
        frames.set(tail.frame, now);
        frames.delete(tail.frame - 300);
        if (this.measuring) upload.layers[tail.layer]! += packet.length;
      }
      return packets;
    };
    const nextPacket = p.audio.nextPacket.bind(p.audio);
    p.audio.nextPacket = (): Buffer => {
      const packet = nextPacket();
      if (this.measuring) upload.audio += packet.length;
      return packet;
    };
    // The participant's own handler of received packets (private), wrapped.
    const inner = p as unknown as { onPacket(mid: string, packet: Buffer): void };
    const onPacket = inner.onPacket.bind(p);
    inner.onPacket = (mid: string, packet: Buffer): void => {
      onPacket(mid, packet);
      this.onReceived(p.index, packet);
    };
  }

  private onReceived(subscriber: number, packet: Buffer): void {
    const now = performance.now();
    const rtp = parseRtp(packet);
    const tail = rtp && readTail(packet, rtp.payloadOffset);
    if (!tail || tail.slot !== 'video') return;
    const key = `${subscriber}/${tail.publisher}/${tail.layer}`;
    const last = this.last.get(key);
    this.last.set(key, tail.counter);
    if (!this.measuring) return;
    if (last !== undefined && tail.counter <= last) return; // a retransmission
    if (last !== undefined) this.missing += tail.counter - last - 1;
    this.received++;
    let from = this.videoFrom.get(subscriber);
    if (!from) this.videoFrom.set(subscriber, (from = new Map()));
    let layers = from.get(tail.publisher);
    if (!layers) from.set(tail.publisher, (layers = new Set()));
    layers.add(tail.layer);
    const sent = this.sentAt.get(tail.publisher)?.get(tail.frame);
    if (sent === undefined) return;
    // Reservoir sampling keeps the latency sample bounded.
    this.latencyCount++;
    if (this.latencies.length < LATENCY_SAMPLES) this.latencies.push(now - sent);
    else {
      const at = Math.floor(Math.random() * this.latencyCount);
      if (at < LATENCY_SAMPLES) this.latencies[at] = now - sent;
    }
  }
}

/** Each one views one person large (the f layer) and the rest as grid tiles. */
function setViews(meeting: TestMeeting, participants: SyntheticParticipant[]): void {
  const tile = participants.length <= 4 ? { width: 640, height: 360 } : { width: 320, height: 180 };
  for (const viewer of participants) {
    const pinned = participants[viewer.index === 0 ? 1 : 0]!;
    meeting.view(
      viewer,
      participants.filter((p) => p !== viewer).map((from) => (from === pinned ? { from, width: 1280, height: 720 } : { from, ...tile })),
    );
  }
}

async function runSize(sfu: Awaited<ReturnType<typeof startTestSfu>>['sfu'], pid: number, size: number): Promise<Record<string, unknown>> {
  const meeting = new TestMeeting(sfu, `bench-${size}`, SHAPE);
  const probe = new Probe();
  try {
    const joinStart = performance.now();
    for (let i = 0; i < size; i++) {
      if (performance.now() - joinStart > JOIN_MS) throw new Error(`${size}: ${i} joined within ${JOIN_MS} ms`);
      const p = await meeting.join(i);
      probe.attach(p);
    }
    const joinMs = performance.now() - joinStart;
    setViews(meeting, meeting.participants);
    log(`${size}: joined in ${Math.round(joinMs)} ms; warming up`);
    await sleep(WARMUP_MS);
    const stats0 = await sfu.stats();
    const cpu0 = processCpuSeconds(pid);
    const own0 = process.cpuUsage();
    const machine0 = machineTicks();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const t0 = performance.now();
    probe.measuring = true;
    await sleep(MEASURE_MS);
    probe.measuring = false;
    const seconds = (performance.now() - t0) / 1000;
    loop.disable();
    const cpu = (processCpuSeconds(pid) - cpu0) / seconds;
    const own = process.cpuUsage(own0);
    const machine1 = machineTicks();
    const stats1 = await sfu.stats();
    const rtpOutPerSecond = (stats1.rtpOut - stats0.rtpOut) / seconds;
    const rtpInPerSecond = (stats1.rtpIn - stats0.rtpIn) / seconds;

    const kbps = (bytes: number): number => round((bytes * 8) / seconds / 1000, 0);
    const uploads = [...probe.uploadBytes.values()];
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const layerKbps = [0, 1, 2].map((l) => kbps(mean(uploads.map((u) => u.layers[l]!))));
    const audioKbps = kbps(mean(uploads.map((u) => u.audio)));
    const cameraKbps = layerKbps[2]!; // what one mesh link carries: the 720p camera
    const expectedVideo = size * (size - 1);
    let videoStreams = 0;
    let wrongLayer = 0;
    for (const [subscriber, from] of probe.videoFrom) {
      const pinned = subscriber === 0 ? 1 : 0;
      const tileLayer = size <= 4 ? 1 : 0;
      for (const [publisher, layers] of from) {
        videoStreams++;
        if (![...layers].every((l) => l === (publisher === pinned ? 2 : tileLayer))) wrongLayer++;
      }
    }
    const audioStreams = size * Math.min(size - 1, size > 10 ? 3 : size - 1);
    const forwardedStreams = expectedVideo + audioStreams;
    const result = {
      participants: size,
      joinMs: Math.round(joinMs),
      sfuCpuCores: round(cpu, 3),
      sfuCpuPerForwardedStreamPct: round((cpu * 100) / forwardedStreams, 3),
      sfuCpuPer1000PacketsPerSecondPct: round((cpu * 100 * 1000) / rtpOutPerSecond, 2),
      rtpInPerSecond: Math.round(rtpInPerSecond),
      rtpOutPerSecond: Math.round(rtpOutPerSecond),
      forwardedStreams: { video: expectedVideo, audio: audioStreams },
      latencyMs: {
        samples: probe.latencyCount,
        p50: percentile(probe.latencies, 50),
        p95: percentile(probe.latencies, 95),
        p99: percentile(probe.latencies, 99),
        max: percentile(probe.latencies, 100),
      },
      video: {
        streamsReceived: videoStreams,
        streamsExpected: expectedVideo,
        streamsAtAnotherLayer: wrongLayer,
        packetsReceived: probe.received,
        packetsMissing: probe.missing,
        lossPct: round((probe.missing * 100) / Math.max(1, probe.received + probe.missing), 3),
      },
      uploadPerParticipantKbps: {
        sfu: { q: layerKbps[0], h: layerKbps[1], f: layerKbps[2], audio: audioKbps, video: layerKbps[0]! + layerKbps[1]! + layerKbps[2]! },
        mesh: { video: cameraKbps * (size - 1), formula: `(N-1) x ${cameraKbps} (720p)` },
      },
      clientsCpuCores: round((own.user + own.system) / 1e6 / seconds, 3),
      /** The participants' event loop's delays (it delays receiving, so it is in the latency). */
      clientsEventLoopDelayMs: { p50: round(loop.percentile(50) / 1e6), p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
      /** The whole machine's busy share (all cores) and load average: it is shared, and a busy one starves SFU and clients. */
      machineBusyPct: round(((machine1.busy - machine0.busy) * 100) / Math.max(1, machine1.total - machine0.total), 0),
      loadAverage1m: round(loadavg()[0]!),
      reconnects: meeting.failures,
    };
    log(`${size}: SFU ${result.sfuCpuCores} cores, latency p50 ${result.latencyMs.p50} p95 ${result.latencyMs.p95} ms, loss ${result.video.lossPct}%`);
    return result;
  } finally {
    meeting.close();
    await sleep(1500);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const { sfu } = await startTestSfu();
  const pid = sfuPid();
  log(`SFU ${sfu.version}, pid ${pid}`);
  const sizes: Record<string, unknown>[] = [];
  let largest = 0;
  let failure: string | null = null;
  try {
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
  } finally {
    await sfu.stop();
  }
  const at24 = sizes.find((s) => s.participants === 24) as { sfuCpuCores: number; latencyMs: { p95: number } } | undefined;
  const output = {
    bench: 'sfu',
    engine: sfu.version,
    clients: 'synthetic node-datachannel participants, all in the bench process (the SFU is its own process; its CPU is counted alone)',
    layers: Object.fromEntries(SHAPE.map((s, i) => [LAYER_NAMES[i], s])),
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    cores: readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('processor')).length,
    largestSize: largest,
    failure,
    target: {
      participants: 24,
      sfuCpuUnderOneCore: at24 ? at24.sfuCpuCores < 1 : null,
      latencyP95Under10Ms: at24 ? at24.latencyMs.p95 < 10 : null,
    },
    sizes,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
