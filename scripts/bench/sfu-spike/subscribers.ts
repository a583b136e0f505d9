/**
 * Several of the spike's subscribers in one process: each a node-datachannel connection that
 * answers the SFU's offer, sends receiver reports (libdatachannel's RtcpReceivingSession) and a PLI
 * on its first packet, and, while the bench's window is open, counts what arrives and how long
 * after the publisher sent it.
 */
import { type PeerConnection as PeerConnectionType, type RtcConfig, PeerConnection, RtcpReceivingSession, cleanup, initLogger } from 'node-datachannel';
import { isRtcp, nowMs, nowNs, parseRtp, readStamp } from './media';
import { type SubscriberReport, type SubscribersCommand, type SubscribersEvent, serve, subscribersCommand } from './protocol';
import { announcedSsrc } from './sdp';

const config: RtcConfig = { iceServers: [], bindAddress: '127.0.0.1' };

interface Subscriber {
  id: number;
  layer: number;
  pc: PeerConnectionType;
  expectedSsrc: number | null;
  gotMedia: boolean;
  lastSeq: number;
  lastCounter: number;
  // The window's counts
  received: number;
  seen: Set<number>;
  minCounter: number;
  maxCounter: number;
  duplicates: number;
  wrongSsrc: number;
  seqJumps: number;
  latenciesUs: number[];
}

const subscribers = new Map<number, Subscriber>();
let counting = false;

function onPacket(sub: Subscriber, packet: Buffer): void {
  if (isRtcp(packet)) return;
  const rtp = parseRtp(packet);
  if (rtp === null) return;
  const stamp = readStamp(packet, rtp);
  if (stamp === null) return;
  const arrivedNs = nowNs();
  if (!sub.gotMedia) {
    sub.gotMedia = true;
    emit({ t: 'first-media', id: sub.id, atMs: Number(arrivedNs) / 1e6 });
  }
  // Rewriting keeps the SFU's sequence numbers in step with the publisher's packets of the layer.
  if (sub.lastSeq >= 0 && stamp.counter > sub.lastCounter) {
    const seqDelta = (rtp.seq - sub.lastSeq) & 0xffff;
    if (seqDelta !== stamp.counter - sub.lastCounter) sub.seqJumps += counting ? 1 : 0;
  }
  if (stamp.counter > sub.lastCounter || sub.lastSeq < 0) {
    sub.lastSeq = rtp.seq;
    sub.lastCounter = stamp.counter;
  }
  if (!counting) return;
  if (rtp.ssrc !== sub.expectedSsrc) sub.wrongSsrc++;
  if (sub.seen.has(stamp.counter)) {
    sub.duplicates++;
    return;
  }
  sub.seen.add(stamp.counter);
  sub.received++;
  sub.minCounter = Math.min(sub.minCounter, stamp.counter);
  sub.maxCounter = Math.max(sub.maxCounter, stamp.counter);
  sub.latenciesUs.push(Number(arrivedNs - stamp.sentNs) / 1000);
}

function answer(id: number, layer: number, offer: string): Promise<string> {
  const pc = new PeerConnection(`subscriber-${id}`, config);
  const sub: Subscriber = {
    id,
    layer,
    pc,
    expectedSsrc: announcedSsrc(offer, 'video'),
    gotMedia: false,
    lastSeq: -1,
    lastCounter: -1,
    received: 0,
    seen: new Set(),
    minCounter: Infinity,
    maxCounter: -Infinity,
    duplicates: 0,
    wrongSsrc: 0,
    seqJumps: 0,
    latenciesUs: [],
  };
  subscribers.set(id, sub);
  pc.onStateChange((state) => {
    if (process.env.SPIKE_DEBUG) process.stderr.write(`subscriber ${id}: ${state} ${nowMs().toFixed(1)}\n`);
    if (state === 'connected') emit({ t: 'connected', id, atMs: nowMs() });
    if (state === 'failed' && subscribers.get(id) === sub) emit({ t: 'failed', id });
  });
  pc.onTrack((track) => {
    track.setMediaHandler(new RtcpReceivingSession());
    track.onMessage((message) => {
      const first = !sub.gotMedia;
      onPacket(sub, message);
      // A decoder that starts asks for a key frame (once the SSRC to name is known).
      if (first && sub.gotMedia) track.requestKeyframe();
    });
  });
  pc.setRemoteDescription(offer, 'offer');
  return new Promise((resolve) => {
    const done = (): void => resolve(pc.localDescription()?.sdp ?? '');
    if (pc.gatheringState() === 'complete') done();
    else pc.onGatheringStateChange((state) => state === 'complete' && done());
  });
}

function report(sub: Subscriber): SubscriberReport {
  return {
    id: sub.id,
    layer: sub.layer,
    received: sub.received,
    expected: sub.received ? sub.maxCounter - sub.minCounter + 1 : 0,
    duplicates: sub.duplicates,
    wrongSsrc: sub.wrongSsrc,
    seqJumps: sub.seqJumps,
    latenciesUs: sub.latenciesUs.map((us) => Math.round(us)),
  };
}

if (process.env.SPIKE_DEBUG) initLogger('Warning', (level, message) => process.stderr.write(`[subscribers ${process.pid}] ${level} ${message}\n`));

const emit = serve<SubscribersCommand, SubscribersEvent>(
  subscribersCommand,
  async (command) => {
    switch (command.t) {
      case 'offer':
        emit({ t: 'answer', id: command.id, sdp: await answer(command.id, command.layer, command.sdp) });
        break;
      case 'window':
        counting = command.on;
        break;
      case 'report':
        emit({ t: 'report', subscribers: [...subscribers.values()].map(report) });
        break;
      case 'stop':
        for (const sub of subscribers.values()) sub.pc.close();
        cleanup();
        process.exit(0);
    }
  },
  (message) => ({ t: 'error', message }),
);
emit({ t: 'ready' });
