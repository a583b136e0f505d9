/**
 * A client process of bench:sfu: hosts some of a meeting's synthetic participants (the SFU tests'
 * node-datachannel ones, signaling-server/test/sfu-participant.ts) and does what the orchestrator
 * asks over the IPC channel (support/sfu-client-messages.ts). Exits when the orchestrator goes away.
 *
 * Latency is end to end through the SFU: each camera packet carries, in its payload just before
 * the tail that says whose it is, the moment its frame was sent (clockMs(): the machine's
 * monotonic clock, the same in every process, see sfu-client-messages.ts); a subscriber, in this
 * process or another, reads it on arrival. The SFU forwards payloads unchanged.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseRtp } from '../../../signaling-server/src/sfu/worker/rtp';
import { readTail } from '../../../signaling-server/test/sfu-media';
import { SyntheticParticipant } from '../../../signaling-server/test/sfu-participant';
import { Histogram } from './histogram';
import {
  clockMs,
  type CommandName,
  type Commands,
  type Failure,
  type Hello,
  type Measured,
  type Request,
  type Response,
  type Results,
} from './sfu-client-messages';

/** The tail of a synthetic packet (sfu-media.ts): its last 16 bytes. The stamp (a double, ms) is the 8 bytes before it, in the filler. */
const TAIL_BYTES = 16;
const STAMP_BYTES = 8;
/** The filler's byte (sfu-media.ts): a stamp is written only over filler. */
const FILLER = 0x55;
/** A stamp further than this from now is not one (a packet without a stamp). */
const MAX_LATENCY_MS = 60_000;

/**
 * The event loop's delay is sampled every LOOP_RESOLUTION_MS; Node's histogram records the whole
 * time between two samples (ns), so the delay is that less the resolution.
 */
const LOOP_RESOLUTION_MS = 5;
const lateBy = (intervalNs: number): number => Math.max(0, intervalNs / 1e6 - LOOP_RESOLUTION_MS);

const participants = new Map<number, SyntheticParticipant>();

/** The window being measured (clockMs), and what was counted in it. */
let window: { from: number; to: number } | null = null;
const inWindow = (now: number): boolean => window !== null && now >= window.from && now < window.to;
let counts = fresh();

function fresh() {
  return {
    latency: new Histogram(),
    received: 0,
    missing: 0,
    unstamped: 0,
    sent: new Map<number, { layerBytes: number[]; audioBytes: number; frames: number }>(),
    /** (subscriber << 8 | publisher) -> bit mask of layers received. */
    videoFrom: new Map<number, number>(),
  };
}

/** Per (subscriber, publisher, layer): the last counter seen (a key of subscriber << 10 | publisher << 2 | layer). */
const lastCounter = new Map<number, number>();

function sentBy(index: number): { layerBytes: number[]; audioBytes: number; frames: number } {
  let sent = counts.sent.get(index);
  if (!sent) counts.sent.set(index, (sent = { layerBytes: [0, 0, 0], audioBytes: 0, frames: 0 }));
  return sent;
}

/** Stamps the participant's camera packets with their frame's sending time, counts what it sends, and watches what it receives. */
function probe(p: SyntheticParticipant): void {
  const camera = p.camera;
  const nextFrame = camera.nextFrame.bind(camera);
  camera.nextFrame = (): Buffer[] => {
    const packets = nextFrame();
    // The frame's packets are all sent right after this, in this tick.
    const now = clockMs();
    const measured = inWindow(now);
    for (const packet of packets) {
      const rtp = parseRtp(packet);
      const tail = rtp && readTail(packet, rtp.payloadOffset);
      if (!rtp || !tail) continue;
      const at = packet.length - TAIL_BYTES - STAMP_BYTES;
      if (at >= rtp.payloadOffset && packet[at] === FILLER && packet[at + STAMP_BYTES - 1] === FILLER) packet.writeDoubleBE(now, at);
      if (measured) sentBy(p.index).layerBytes[tail.layer]! += packet.length;
    }
    if (measured) sentBy(p.index).frames += 1;
    return packets;
  };
  const nextPacket = p.audio.nextPacket.bind(p.audio);
  p.audio.nextPacket = (): Buffer => {
    const packet = nextPacket();
    if (inWindow(clockMs())) sentBy(p.index).audioBytes += packet.length;
    return packet;
  };
  // The participant's own handler of received packets (private), wrapped.
  const inner = p as unknown as { onPacket(mid: string, packet: Buffer): void };
  const onPacket = inner.onPacket.bind(p);
  inner.onPacket = (mid: string, packet: Buffer): void => {
    const now = clockMs();
    onPacket(mid, packet);
    onReceived(p.index, packet, now);
  };
}

function onReceived(subscriber: number, packet: Buffer, now: number): void {
  const rtp = parseRtp(packet);
  const tail = rtp && readTail(packet, rtp.payloadOffset);
  if (!tail || tail.slot !== 'video') return;
  const key = (subscriber << 10) | (tail.publisher << 2) | tail.layer;
  const last = lastCounter.get(key);
  lastCounter.set(key, tail.counter);
  if (!inWindow(now)) return;
  if (last !== undefined && tail.counter <= last) return; // a retransmission
  if (last !== undefined) counts.missing += tail.counter - last - 1;
  counts.received += 1;
  const pair = (subscriber << 8) | tail.publisher;
  counts.videoFrom.set(pair, (counts.videoFrom.get(pair) ?? 0) | (1 << tail.layer));
  const latency = now - packet.readDoubleBE(packet.length - TAIL_BYTES - STAMP_BYTES);
  if (latency >= 0 && latency < MAX_LATENCY_MS) counts.latency.add(latency);
  else counts.unstamped += 1;
}

const send = (message: Hello | Failure | Response): void => void process.send?.(message);

function participant(index: number): SyntheticParticipant {
  const p = participants.get(index);
  if (!p) throw new Error(`no participant ${index} here`);
  return p;
}

const sleepUntil = (at: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - clockMs())));

const handlers: { [K in CommandName]: (args: Commands[K]) => Promise<Results[K]> } = {
  async join({ index, id, shape }) {
    if (participants.has(index)) throw new Error(`participant ${index} is here already`);
    const p = new SyntheticParticipant(index, id, shape);
    participants.set(index, p);
    probe(p);
    p.on('publisher-failed', () => send({ failed: 'publisher', index }));
    p.on('subscriber-failed', () => send({ failed: 'subscriber', index }));
    return p.publishOffer();
  },

  async offer({ index }) {
    return participant(index).publishOffer();
  },

  async answer({ index, sdp }) {
    try {
      participant(index).applyPublishAnswer(sdp);
      return { applied: true };
    } catch {
      // The connection failed while taking the answer in (see asSent in sfu-participant.ts).
      return { applied: false };
    }
  },

  async start({ index }) {
    participant(index).startSending();
    return {};
  },

  async subscribe({ index, offer }) {
    return { sdp: await participant(index).answerOffer(offer) };
  },

  async measure({ fromMs, toMs }) {
    counts = fresh();
    window = { from: fromMs, to: toMs };
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    await sleepUntil(fromMs);
    loop.enable();
    await sleepUntil(toMs);
    loop.disable();
    window = null;
    const measured: Measured = {
      participants: participants.size,
      latency: counts.latency.toJSON(),
      received: counts.received,
      missing: counts.missing,
      unstamped: counts.unstamped,
      sent: [...participants.keys()].map((index) => ({ index, ...(counts.sent.get(index) ?? { layerBytes: [0, 0, 0], audioBytes: 0, frames: 0 }) })),
      videoFrom: [...counts.videoFrom].map(([pair, layers]): [number, number, number] => [pair >> 8, pair & 0xff, layers]),
      eventLoopDelayMs: { p50: lateBy(loop.percentile(50)), p99: lateBy(loop.percentile(99)), max: lateBy(loop.max) },
    };
    return measured;
  },

  async clock() {
    return { clockMs: clockMs() };
  },

  async close() {
    const closed = participants.size;
    for (const p of participants.values()) {
      p.removeAllListeners();
      p.close();
    }
    participants.clear();
    lastCounter.clear();
    return { closed };
  },
};

process.on('message', (request: Request) => {
  const handle = handlers[request.name] as (args: Commands[CommandName]) => Promise<Results[CommandName]>;
  void Promise.resolve()
    .then(() => handle(request.args))
    .then(
      (result) => send({ id: request.id, ok: true, result }),
      (error: unknown) => send({ id: request.id, ok: false, error: String(error) }),
    );
});
// The orchestrator went away (or is done): so does this process, and its connections with it.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
