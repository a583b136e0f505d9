/**
 * The spike's SFU on node-datachannel (libdatachannel): one connection from the publisher, one to
 * each subscriber. libdatachannel does ICE, DTLS and SRTP and hands each track its decrypted RTP and
 * RTCP; everything else is here: SDP fixes for simulcast, routing by rid, layer selection and
 * rewriting, PLI upstream, RR/REMB to the publisher, the audio level. NACKs from subscribers are
 * answered by libdatachannel's RtcpNackResponder (its packet cache, no RTX).
 *
 * Run by sfu-spike.ts in a process of its own. SPIKE_NDC_MUX=1 puts every connection on one UDP
 * port (libdatachannel's ICE UDP mux). SPIKE_NDC_SINGLE_TRACK=1 shows libdatachannel only the
 * publisher's video m-line and answers the rest here, so that its one track gets every packet
 * (audio included, told apart here by SSRC): libdatachannel drops packets of SSRCs no m-line
 * announces when a connection has more than one track, and simulcast announces none.
 */
import {
  type DescriptionType,
  type PeerConnection as PeerConnectionType,
  type RtcConfig,
  type Track,
  PeerConnection,
  RtcpNackResponder,
  Video,
  cleanup,
  getLibraryVersion,
  initLogger,
} from 'node-datachannel';
import { KeyframeThrottle, OutStream, countStream, emptyStats, layerOfRid } from './forwarding';
import {
  FrameSource,
  LAYERS,
  URI,
  VP8_PT,
  extensionId,
  isFir,
  isPli,
  isRtcp,
  isVp8KeyframeStart,
  nowNs,
  parseRtcpFeedback,
  parseRtp,
  pli,
  readExtension,
  receiverFeedback,
  restamp,
  startTicker,
  FPS,
  type RtpView,
} from './media';
import { type SfuCommand, type SfuEvent, serve, sfuCommand } from './protocol';
import { announcedSsrcs, answerOthers, dropExtension, dropFeedback, keepCodecs, onlyMedia, simulcastAnswer } from './sdp';

const SFU_SSRC = 0x5f000001;
const MUX_PORT = Number(process.env.SPIKE_NDC_MUX_PORT ?? 47_000);
const config: RtcConfig = {
  iceServers: [],
  bindAddress: '127.0.0.1',
  ...(process.env.SPIKE_NDC_MUX === '1' ? { enableIceUdpMux: true, portRangeBegin: MUX_PORT, portRangeEnd: MUX_PORT } : {}),
};

interface Subscriber {
  pc: PeerConnectionType;
  track: Track;
  out: OutStream;
  open: boolean;
}

const stats = emptyStats();
const subscribers = new Map<number, Subscriber>();
const connections: PeerConnectionType[] = [];
const timers: NodeJS.Timeout[] = [];
let publisherVideo: Track | null = null;
let ridExt = 10;
let audioLevelExt: number | null = null;
/** Which layer each incoming SSRC carries (learnt from the rid extension of its first packets). */
const layerBySsrc = new Map<number, number>();
const ssrcByLayer = new Map<number, number>();

/** Baseline only: the stream made in this process, which answers key frame requests itself. */
let keyframeSource: FrameSource | null = null;
let stopTicker = (): void => undefined;

const keyframes = new KeyframeThrottle((layer) => {
  if (keyframeSource) {
    keyframeSource.requestKeyframe(layer);
    return true;
  }
  const ssrc = ssrcByLayer.get(layer);
  if (publisherVideo === null || ssrc === undefined || !publisherVideo.isOpen()) return false;
  return publisherVideo.sendMessageBinary(pli(SFU_SSRC, ssrc));
});

function waitForGathering(pc: PeerConnectionType): Promise<string> {
  return new Promise((resolve) => {
    const done = (): void => resolve(pc.localDescription()?.sdp ?? '');
    if (pc.gatheringState() === 'complete') done();
    else pc.onGatheringStateChange((state) => state === 'complete' && done());
  });
}

/** One incoming video packet (decrypted RTP) of the publisher, or of the baseline's own source. */
function onPublisherVideo(packet: Buffer, fromGenerator: boolean): void {
  const rtp = parseRtp(packet);
  if (rtp === null) return;
  stats.rtpIn++;
  let layer = layerBySsrc.get(rtp.ssrc);
  if (layer === undefined) {
    const rid = readExtension(packet, rtp, ridExt)?.toString('latin1');
    layer = rid === undefined ? -1 : layerOfRid(rid);
    if (layer < 0 || rtp.payloadType !== VP8_PT) {
      stats.unplaced++; // e.g. RTX of a layer (not negotiated here) or a stream without its rid yet
      return;
    }
    layerBySsrc.set(rtp.ssrc, layer);
    ssrcByLayer.set(layer, rtp.ssrc);
  }
  countStream(stats, LAYERS[layer]!.rid, rtp.ssrc, packet.length);
  forward(packet, rtp, layer, fromGenerator);
}

function forward(packet: Buffer, rtp: RtpView, layer: number, restampEach: boolean): void {
  let out: Buffer | null = null;
  let keyframe: boolean | null = null;
  const keyframeStart = (): boolean => (keyframe ??= isVp8KeyframeStart(packet, rtp));
  for (const sub of subscribers.values()) {
    if (!sub.open || !sub.out.map(layer, rtp.seq, rtp.timestamp, keyframeStart, stats)) continue;
    if (out === null) {
      // The forwarded packet: the publisher's header without its extensions, then the payload.
      out = Buffer.allocUnsafe(12 + rtp.payloadEnd - rtp.payloadOffset);
      out[0] = 0x80;
      out[1] = (packet[1]! & 0x80) | VP8_PT;
      packet.copy(out, 12, rtp.payloadOffset, rtp.payloadEnd);
    }
    out.writeUInt16BE(sub.out.seq, 2);
    out.writeUInt32BE(sub.out.timestamp, 4);
    out.writeUInt32BE(sub.out.ssrc, 8);
    if (restampEach) restamp(out, nowNs());
    if (sub.track.sendMessageBinary(out)) stats.rtpOut++;
  }
}

function onPublisherAudio(packet: Buffer): void {
  const rtp = parseRtp(packet);
  if (rtp === null) return;
  stats.audio.packets++;
  const level = audioLevelExt === null ? null : readExtension(packet, rtp, audioLevelExt);
  if (level && level.length >= 1) {
    stats.audio.withLevel++;
    stats.audio.lastLevelDbov = -(level[0]! & 0x7f);
  }
}

const SINGLE_TRACK = process.env.SPIKE_NDC_SINGLE_TRACK === '1';

async function publish(offer: string): Promise<string> {
  ridExt = extensionId(offer, URI.rid) ?? ridExt;
  audioLevelExt = extensionId(offer, URI.audioLevel);
  // Only what this SFU handles: VP8 and Opus (no RTX, RED, FEC), and REMB instead of transport-cc.
  const accepted = dropFeedback(dropExtension(keepCodecs(offer, ['VP8', 'opus']), URI.twcc), 'transport-cc');
  const audioSsrcs = new Set(announcedSsrcs(accepted, 'audio'));
  const pc = new PeerConnection('publisher', config);
  connections.push(pc);
  pc.onTrack((track) => {
    const kind = track.type();
    if (kind === 'audio') {
      track.onMessage((message) => (isRtcp(message) ? stats.rtcpIn++ : onPublisherAudio(message)));
      return;
    }
    publisherVideo = track;
    track.onMessage((message) => {
      if (isRtcp(message)) stats.rtcpIn++;
      else if (SINGLE_TRACK && audioSsrcs.has(message.readUInt32BE(8))) onPublisherAudio(message);
      else onPublisherVideo(message, false);
    });
    // Every second: a receiver report and the bandwidth the publisher may use (REMB).
    timers.push(
      setInterval(() => {
        if (track.isOpen() && ssrcByLayer.size) track.sendMessageBinary(receiverFeedback(SFU_SSRC, 10_000_000, [...ssrcByLayer.values()]));
      }, 1000),
    );
  });
  if (SINGLE_TRACK) {
    pc.setRemoteDescription(onlyMedia(accepted, 'video').sdp, 'offer' satisfies DescriptionType);
    return simulcastAnswer(answerOthers(await waitForGathering(pc), accepted, ['VP8', 'opus']));
  }
  pc.setRemoteDescription(accepted, 'offer' satisfies DescriptionType);
  return simulcastAnswer(await waitForGathering(pc));
}

async function subscribe(id: number, layer: number): Promise<string> {
  const pc = new PeerConnection(`subscriber-${id}`, config);
  connections.push(pc);
  const ssrc = 0x60000000 + id;
  const video = new Video('0', 'SendOnly');
  video.addVP8Codec(VP8_PT);
  video.addSSRC(ssrc, 'roundtable-sfu', 'sfu', `video-${id}`);
  const track = pc.addTrack(video);
  // libdatachannel keeps what it sent and answers NACKs itself (retransmission on the same SSRC).
  track.setMediaHandler(new RtcpNackResponder());
  const sub: Subscriber = { pc, track, out: new OutStream(ssrc, layer), open: false };
  subscribers.set(id, sub);
  track.onOpen(() => {
    sub.open = true;
    keyframes.ask(layer, stats);
  });
  track.onMessage((message) => {
    stats.rtcpIn++;
    for (const fb of parseRtcpFeedback(message)) {
      if (isPli(fb) || isFir(fb)) {
        stats.pliFromSubscribers++;
        keyframes.ask(sub.out.pending ?? sub.out.layer ?? layer, stats);
      }
    }
  });
  pc.setLocalDescription();
  return waitForGathering(pc);
}

// A subscriber waiting for its layer's key frame asks again until one comes (a PLI or a key frame can be lost).
setInterval(() => {
  for (const sub of subscribers.values()) if (sub.out.pending !== null && sub.open) keyframes.ask(sub.out.pending, stats);
}, 500).unref();
if (process.env.SPIKE_DEBUG) initLogger('Warning', (level, message) => process.stderr.write(`[sfu ${process.pid}] ${level} ${message}\n`));

const emit = serve<SfuCommand, SfuEvent>(
  sfuCommand,
  async (command) => {
    switch (command.t) {
      case 'publish':
        emit({ t: 'publish-answer', sdp: await publish(command.sdp) });
        break;
      case 'subscribe':
        emit({ t: 'subscribe-offer', id: command.id, sdp: await subscribe(command.id, command.layer) });
        break;
      case 'subscribe-answer':
        subscribers.get(command.id)?.pc.setRemoteDescription(command.sdp, 'answer');
        break;
      case 'switch': {
        const sub = subscribers.get(command.id);
        if (sub?.out.want(command.layer)) keyframes.ask(command.layer, stats);
        break;
      }
      case 'generate': {
        // Baseline: the stream is made here, so only the clients' and loopback's latency remains.
        const source = new FrameSource({ mid: '0' });
        const ticker = startTicker(FPS * Number(process.env.SPIKE_RATE ?? 1), () => {
          for (const layer of source.nextFrame()) for (const packet of layer) onPublisherVideo(packet, true);
        });
        keyframeSource = source;
        stopTicker = ticker.stop;
        break;
      }
      case 'stats':
        emit({ t: 'stats', stats: structuredClone(stats) });
        break;
      case 'stop':
        stopTicker();
        for (const timer of timers) clearInterval(timer);
        for (const pc of connections) pc.close();
        cleanup();
        process.exit(0);
    }
  },
  (message) => ({ t: 'error', message }),
);

emit({ t: 'ready', version: `node-datachannel (libdatachannel ${getLibraryVersion()})` });
