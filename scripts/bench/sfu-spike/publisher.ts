/**
 * The spike's publisher: one node-datachannel connection that offers one video m-line with three
 * rids (as Chrome's simulcast offer does: rid and mid header extensions, no SSRCs announced) and
 * sends the synthetic 3-layer stream of media.ts at 30 fps, a key frame of a layer whenever a PLI
 * or FIR for it arrives. Each packet carries its send time. SPIKE_RATE=n sends n times as many
 * frames a second (stress runs).
 */
import { type PeerConnection as PeerConnectionType, type RtcConfig, PeerConnection, Video, cleanup } from 'node-datachannel';
import { EXT, FPS, FrameSource, LAYERS, URI, VP8_PT, isFir, isPli, isRtcp, nowMs, nowNs, parseRtcpFeedback, restamp, startTicker } from './media';
import { type PublisherCommand, type PublisherEvent, publisherCommand, serve } from './protocol';

const config: RtcConfig = { iceServers: [], bindAddress: '127.0.0.1' };
/** Stress runs send frames this many times faster (the same packets, more of them). */
const RATE = Number(process.env.SPIKE_RATE ?? 1);
const source = new FrameSource({ mid: '0' });
let pc: PeerConnectionType | null = null;
let packetsSent = 0;
let plis = 0;
let rtcpIn = 0;
let rembBps: number | null = null;
let ticker: { stop(): void; lateTicks(): number } | null = null;

function offer(): Promise<string> {
  const connection = new PeerConnection('publisher', config);
  pc = connection;
  const video = new Video('0', 'SendOnly');
  video.addVP8Codec(VP8_PT);
  video.parseSdpLine(`a=rtcp-fb:${VP8_PT} transport-cc`);
  video.parseSdpLine(`a=extmap:${EXT.twcc} ${URI.twcc}`);
  video.parseSdpLine(`a=extmap:${EXT.mid} ${URI.mid}`);
  video.parseSdpLine(`a=extmap:${EXT.rid} ${URI.rid}`);
  for (const layer of LAYERS) video.parseSdpLine(`a=rid:${layer.rid} send`);
  video.parseSdpLine(`a=simulcast:send ${LAYERS.map((l) => l.rid).join(';')}`);
  const track = connection.addTrack(video);
  track.onMessage((message) => {
    if (!isRtcp(message)) return;
    rtcpIn++;
    for (const fb of parseRtcpFeedback(message)) {
      if (isPli(fb) || isFir(fb)) {
        plis++;
        const layer = source.layerOfSsrc(fb.mediaSsrc);
        if (layer >= 0) source.requestKeyframe(layer);
      }
      if (fb.rembBps !== undefined) rembBps = fb.rembBps;
    }
  });
  track.onOpen(() => {
    emit({ t: 'connected', atMs: nowMs() });
    ticker = startTicker(FPS * RATE, () => {
      for (const layer of source.nextFrame())
        for (const packet of layer) {
          restamp(packet, nowNs());
          if (track.sendMessageBinary(packet)) packetsSent++;
        }
    });
  });
  connection.setLocalDescription();
  return new Promise((resolve) => {
    const done = (): void => resolve(connection.localDescription()?.sdp ?? '');
    if (connection.gatheringState() === 'complete') done();
    else connection.onGatheringStateChange((state) => state === 'complete' && done());
  });
}

const emit = serve<PublisherCommand, PublisherEvent>(
  publisherCommand,
  async (command) => {
    switch (command.t) {
      case 'offer':
        emit({ t: 'offer', sdp: await offer() });
        break;
      case 'answer':
        pc?.setRemoteDescription(command.sdp, 'answer');
        break;
      case 'stats':
        emit({ t: 'stats', packetsSent, keyframes: source.keyframes, plis, rembBps, rtcpIn, lateTicks: ticker?.lateTicks() ?? 0 });
        break;
      case 'stop':
        ticker?.stop();
        pc?.close();
        cleanup();
        process.exit(0);
    }
  },
  (message) => ({ t: 'error', message }),
);
emit({ t: 'ready' });
