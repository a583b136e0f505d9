/**
 * The spike's SFU on werift (pure TypeScript): one connection from the publisher, one to each
 * subscriber. werift answers simulcast itself (rid tracks), sends transport-wide-cc feedback and
 * NACKs upstream, keeps an RTP cache per sender for NACKs from subscribers and raises their PLIs;
 * here are only layer selection, the rewriting of sequence numbers and timestamps (the sender sets
 * the SSRC and payload type), PLI upstream and the audio level.
 *
 * Run by sfu-spike.ts in a process of its own. SPIKE_WERIFT_BWE=remb replaces werift's
 * transport-wide-cc feedback with a REMB sent from here every second (as the node-datachannel SFU
 * does).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  type MediaStreamTrack,
  type RTCRtpTransceiver,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  ReceiverEstimatedMaxBitrate,
  RtcpPayloadSpecificFeedback,
  RTP_EXTENSION_URI,
  type RtpPacket,
  useAbsSendTime,
  useAudioLevelIndication,
  useSdesMid,
  useSdesRTPStreamId,
  useTransportWideCC,
} from 'werift';
import { KeyframeThrottle, OutStream, countStream, emptyStats, layerOfRid } from './forwarding';
import { LAYERS, VIDEO_CLOCK, VP8_PT } from './media';
import { type SfuCommand, type SfuEvent, serve, sfuCommand } from './protocol';
import { candidatesOn } from './sdp';

const LOOPBACK = '127.0.0.1';
const REMB = process.env.SPIKE_WERIFT_BWE === 'remb';
const ice = {
  iceInterfaceAddresses: { udp4: LOOPBACK },
  iceAdditionalHostAddresses: [LOOPBACK],
  iceUseIpv6: false,
};
const vp8 = (feedback: { type: string; parameter?: string }[]): RTCRtpCodecParameters =>
  new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: VIDEO_CLOCK, payloadType: VP8_PT, rtcpFeedback: feedback });
const opus = new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 111 });

interface Subscriber {
  pc: RTCPeerConnection;
  transceiver: RTCRtpTransceiver;
  out: OutStream;
}

const stats = emptyStats();
const subscribers = new Map<number, Subscriber>();
const connections: RTCPeerConnection[] = [];
const timers: NodeJS.Timeout[] = [];
let publisherVideo: RTCRtpTransceiver | null = null;
/** The SSRC each layer arrives on (werift's rid tracks do not say). */
const ssrcByLayer = new Map<number, number>();

const keyframes = new KeyframeThrottle((layer) => {
  const ssrc = ssrcByLayer.get(layer);
  if (!publisherVideo || ssrc === undefined) return false;
  void publisherVideo.receiver.sendRtcpPLI(ssrc);
  return true;
});

async function gathered(pc: RTCPeerConnection): Promise<string> {
  if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((state) => state === 'complete');
  return candidatesOn(pc.localDescription?.sdp ?? '', LOOPBACK);
}

function onLayerRtp(layer: number, rtp: RtpPacket): void {
  stats.rtpIn++;
  if (ssrcByLayer.get(layer) !== rtp.header.ssrc) ssrcByLayer.set(layer, rtp.header.ssrc);
  countStream(stats, LAYERS[layer]!.rid, rtp.header.ssrc, rtp.header.serializeSize + rtp.payload.length);
  let keyframe: boolean | null = null;
  const keyframeStart = (): boolean => (keyframe ??= isVp8KeyframeStartPayload(rtp.payload));
  for (const sub of subscribers.values()) {
    if (sub.transceiver.sender.transport?.state !== 'connected') continue;
    if (!sub.out.map(layer, rtp.header.sequenceNumber, rtp.header.timestamp, keyframeStart, stats)) continue;
    // sendRtp rewrites the header in place and keeps the packet for NACKs: one copy per subscriber.
    const copy = rtp.clone();
    copy.header.sequenceNumber = sub.out.seq;
    copy.header.timestamp = sub.out.timestamp;
    copy.header.extensions = [];
    void sub.transceiver.sender.sendRtp(copy);
    stats.rtpOut++;
  }
}

/** As media.ts's isVp8KeyframeStart, on a payload werift has already cut out. */
function isVp8KeyframeStartPayload(payload: Buffer): boolean {
  const first = payload[0];
  if (first === undefined || (first & 0x10) === 0 || (first & 0x07) !== 0) return false;
  let p = 1;
  if (first & 0x80) {
    const x = payload[p++] ?? 0;
    if (x & 0x80) p += (payload[p] ?? 0) & 0x80 ? 2 : 1;
    if (x & 0x40) p++;
    if (x & 0x30) p++;
  }
  return p < payload.length && ((payload[p] ?? 1) & 0x01) === 0;
}

function watchVideo(transceiver: RTCRtpTransceiver): void {
  publisherVideo = transceiver;
  const attach = (track: MediaStreamTrack): void => {
    const layer = track.rid === undefined ? -1 : layerOfRid(track.rid);
    if (layer < 0) {
      track.onReceiveRtp.subscribe(() => stats.unplaced++);
      return;
    }
    track.onReceiveRtp.subscribe((rtp) => onLayerRtp(layer, rtp));
  };
  // One track per offered rid, made as the offer is applied.
  const tracks = Object.values(transceiver.receiver.trackByRID);
  if (tracks.length) tracks.forEach(attach);
  else attach(transceiver.receiver.track);
}

function watchAudio(transceiver: RTCRtpTransceiver): void {
  transceiver.receiver.track.onReceiveRtp.subscribe((_rtp, extensions) => {
    stats.audio.packets++;
    const level = extensions?.[RTP_EXTENSION_URI.audioLevelIndication] as { level: number } | undefined;
    if (level !== undefined) {
      stats.audio.withLevel++;
      stats.audio.lastLevelDbov = -level.level;
    }
  });
}

/** REMB: 10 Mbit/s for the publisher's layers (mantissa * 2^exp). */
function sendRemb(transceiver: RTCRtpTransceiver): void {
  const ssrcs = [...ssrcByLayer.values()];
  if (!ssrcs.length) return;
  const feedback = new ReceiverEstimatedMaxBitrate({
    senderSsrc: transceiver.receiver.rtcpSsrc,
    mediaSsrc: 0,
    brExp: 6,
    brMantissa: 156_250,
    ssrcNum: ssrcs.length,
    ssrcFeedbacks: ssrcs,
  });
  void transceiver.receiver.dtlsTransport.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback })]).catch(() => undefined);
}

async function publish(offer: string): Promise<string> {
  const feedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }];
  const pc = new RTCPeerConnection({
    codecs: { video: [vp8(REMB ? feedback : [...feedback, { type: 'transport-cc' }])], audio: [opus] },
    headerExtensions: {
      video: [useSdesMid(), useSdesRTPStreamId(), ...(REMB ? [] : [useTransportWideCC()]), useAbsSendTime()],
      audio: [useSdesMid(), useAudioLevelIndication()],
    },
    ...ice,
  });
  connections.push(pc);
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  for (const transceiver of pc.getTransceivers()) {
    if (transceiver.kind === 'video') {
      watchVideo(transceiver);
      if (REMB) timers.push(setInterval(() => sendRemb(transceiver), 1000));
    } else watchAudio(transceiver);
  }
  for (const transceiver of pc.getTransceivers()) transceiver.receiver.track.onReceiveRtcp.subscribe(() => stats.rtcpIn++);
  await pc.setLocalDescription(await pc.createAnswer());
  return gathered(pc);
}

async function subscribe(id: number, layer: number): Promise<string> {
  const pc = new RTCPeerConnection({
    codecs: { video: [vp8([{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }])] },
    headerExtensions: { video: [] },
    ...ice,
  });
  connections.push(pc);
  const transceiver = pc.addTransceiver('video', { direction: 'sendonly' });
  const sub: Subscriber = { pc, transceiver, out: new OutStream(transceiver.sender.ssrc, layer) };
  subscribers.set(id, sub);
  transceiver.sender.onPictureLossIndication.subscribe(() => {
    stats.pliFromSubscribers++;
    keyframes.ask(sub.out.pending ?? sub.out.layer ?? layer, stats);
  });
  transceiver.sender.onRtcp.subscribe(() => stats.rtcpIn++);
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected') keyframes.ask(layer, stats);
  });
  await pc.setLocalDescription(await pc.createOffer());
  return gathered(pc);
}

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
        await subscribers.get(command.id)?.pc.setRemoteDescription({ type: 'answer', sdp: command.sdp });
        break;
      case 'switch': {
        const sub = subscribers.get(command.id);
        if (sub?.out.want(command.layer)) keyframes.ask(command.layer, stats);
        break;
      }
      case 'generate':
        throw new Error('the baseline runs on node-datachannel');
      case 'stats':
        emit({ t: 'stats', stats: structuredClone(stats) });
        break;
      case 'stop':
        for (const timer of timers) clearInterval(timer);
        await Promise.race([Promise.all(connections.map((pc) => pc.close())), new Promise((resolve) => setTimeout(resolve, 1000))]);
        process.exit(0);
    }
  },
  (message) => ({ t: 'error', message }),
);

// A subscriber waiting for its layer's key frame asks again until one comes (a PLI or a key frame can be lost).
setInterval(() => {
  for (const sub of subscribers.values())
    if (sub.out.pending !== null && sub.transceiver.sender.transport?.state === 'connected') keyframes.ask(sub.out.pending, stats);
}, 500).unref();
if (process.env.SPIKE_DEBUG) setInterval(() => process.stderr.write(`werift stats ${JSON.stringify(stats)}\n`), 2000).unref();

/** werift's package.json is not among its exports: read it beside the resolved entry point. */
function weriftVersion(): string {
  const entry = createRequire(import.meta.url).resolve('werift');
  const root = entry.slice(0, entry.lastIndexOf('/lib/') + 1);
  return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
}
emit({ t: 'ready', version: `werift ${weriftVersion()}` });
