/**
 * RTX (RFC 4588) through the real SFU process, over real connections (node-datachannel here):
 * a subscriber's NACK is answered with the packet wrapped as RTX on the line's RTX stream, and a
 * publisher's retransmission sent as RTX of a simulcast layer (tagged with the repaired rid, as
 * Chromium does) or of a stream whose RTX SSRC its offer announces (FID group) reaches
 * subscribers as the original packet; its padding-only probes and malformed RTX go no further.
 */
import { PeerConnection, type Track, Video } from 'node-datachannel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSfu } from '../src/sfu/gateway.js';
import { nack, parseRtcp } from '../src/sfu/worker/rtcp.js';
import { parseRtp } from '../src/sfu/worker/rtp.js';
import { type SfuLog, TestMeeting, startTestSfu } from './sfu-harness.js';
import { EXT, FPS, SimulcastSource, TEST_LAYERS, URI, VP8_PT, type Tail, readTail } from './sfu-media.js';
import { gathered, type SyntheticParticipant, until } from './sfu-participant.js';

const MEETING = 'meeting-rtx';
const CONFIG = { iceServers: [], bindAddress: '127.0.0.1' };
const PUBLISHER_RTX_PT = 97;
const RRID = { id: 11, uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id' } as const;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const isRtcp = (packet: Buffer): boolean => packet.length >= 8 && (packet[1]! & 0x7f) >= 64 && (packet[1]! & 0x7f) <= 95;

/** One RTP packet as a subscriber got it. */
interface Received {
  mid: string;
  pt: number;
  ssrc: number;
  seq: number;
  timestamp: number;
  /** The payload (for RTX: the original sequence number first). */
  payload: Buffer;
  tail: Tail | null;
  at: number;
}

/** What the SFU's offer says of one video line: its SSRC, its RTX SSRC (the FID group) and RTX payload type (apt=96). */
function rtxOfLine(sdp: string, mid: string): { ssrc: number; rtxSsrc: number; rtxPt: number } | null {
  const section = sdp.split(/(?=^m=)/m).find((s) => new RegExp(`^a=mid:${mid}\\r?$`, 'm').test(s));
  const fid = section && /^a=ssrc-group:FID (\d+) (\d+)\r?$/m.exec(section);
  const apt = section && /^a=fmtp:(\d+) apt=96\r?$/m.exec(section);
  if (!fid || !apt || !new RegExp(`^a=rtpmap:${apt[1]} rtx/90000\\r?$`, 'm').test(section)) return null;
  return { ssrc: Number(fid[1]), rtxSsrc: Number(fid[2]), rtxPt: Number(apt[1]) };
}

/** A member that only receives: it answers the SFU's offers and keeps every RTP packet that comes. */
class Viewer {
  private pc: PeerConnection | null = null;
  readonly tracks = new Map<string, Track>();
  readonly received: Received[] = [];
  offer: { sdp: string; tracks: { mid: string; from: string; slot: string }[] } | null = null;

  constructor(
    private readonly sfu: RunningSfu,
    readonly id: string,
  ) {
    sfu.onOffer((offer) => {
      if (offer.meeting !== MEETING || offer.member !== id) return;
      void this.answer(offer).then((sdp) => sfu.answer(MEETING, id, sdp, offer.revision));
    });
    sfu.subscribe(MEETING, id);
  }

  private async answer(offer: { sdp: string; fresh: boolean; tracks: { mid: string; from: string; slot: string }[] }): Promise<string> {
    this.offer = offer;
    if (offer.fresh || !this.pc) {
      this.pc?.close();
      const pc = new PeerConnection(`rtx-${this.id}`, CONFIG);
      this.pc = pc;
      pc.onTrack((track) => {
        const mid = track.mid();
        this.tracks.set(mid, track);
        track.onMessage((message) => {
          if (isRtcp(message)) return;
          const rtp = parseRtp(message);
          if (!rtp) return;
          const payload = Buffer.from(message.subarray(rtp.payloadOffset, rtp.payloadEnd));
          this.received.push({
            mid,
            pt: rtp.payloadType,
            ssrc: rtp.ssrc,
            seq: rtp.seq,
            timestamp: rtp.timestamp,
            payload,
            tail: readTail(message, rtp.payloadOffset),
            at: performance.now(),
          });
        });
      });
      pc.setRemoteDescription(offer.sdp, 'offer');
      return gathered(pc);
    }
    this.pc.setRemoteDescription(offer.sdp, 'offer');
    return this.pc.localDescription()?.sdp ?? '';
  }

  midOf(from: string): string | undefined {
    return this.offer?.tracks.find((t) => t.from === from && t.slot === 'video')?.mid;
  }

  /** Writes a NACK for `seqs` of `ssrc` on the line (no media handler: it leaves as RTCP). */
  nack(mid: string, ssrc: number, seqs: number[]): boolean {
    return this.tracks.get(mid)?.sendMessageBinary(nack(0x5eed, ssrc, seqs)) ?? false;
  }

  close(): void {
    this.pc?.close();
  }
}

/**
 * A camera published as a browser does with RTX: VP8 and `rtx` (apt=96), the mid, rid and repaired
 * rid extensions, q/h/f simulcast. What the SFU NACKs it sends as RTX of the layer: its own SSRC
 * and sequence numbers, the mid and repaired rid extensions, the original sequence number first.
 * As `fid`: one stream (the camera's smallest layer alone, no simulcast) whose SSRC and RTX SSRC
 * the offer announces in a FID group, its RTX sent without extensions.
 */
class RtxPublisher {
  readonly camera: SimulcastSource;
  private pc: PeerConnection;
  private track: Track | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rtxSeq = 30_000;
  /** Sequence numbers the SFU asked for, and the RTX packets sent for them. */
  readonly nacked: number[] = [];
  rtxSent = 0;

  constructor(
    readonly index: number,
    readonly id: string,
    readonly mode: 'simulcast' | 'fid' = 'simulcast',
  ) {
    this.camera = new SimulcastSource(index, 'video', '0', 0x20000000 + index * 0x100);
    this.pc = new PeerConnection(`rtx-pub-${id}`, CONFIG);
  }

  rtxSsrcOf(layer: number): number {
    return this.camera.layers[layer]!.ssrc + 0x40;
  }

  /**
   * Publishes, on a new connection if the last failed on the answer: libdatachannel can refuse an
   * answer while its connection fails (the harness's `publish` does the same for its participants).
   */
  async publish(sfu: RunningSfu, tries = 3): Promise<string> {
    try {
      return await this.publishOnce(sfu);
    } catch (error) {
      if (tries <= 1) throw error;
      this.pc.close();
      this.pc = new PeerConnection(`rtx-pub-${this.id}`, CONFIG);
      return this.publish(sfu, tries - 1);
    }
  }

  private async publishOnce(sfu: RunningSfu): Promise<string> {
    const video = new Video('0', 'SendOnly');
    video.addVP8Codec(VP8_PT);
    video.addRTXCodec(PUBLISHER_RTX_PT, VP8_PT, 90_000);
    video.parseSdpLine(`a=extmap:${EXT.mid} ${URI.mid}`);
    video.parseSdpLine(`a=extmap:${EXT.rid} ${URI.rid}`);
    video.parseSdpLine(`a=extmap:${RRID.id} ${RRID.uri}`);
    if (this.mode === 'simulcast') {
      for (const rid of ['q', 'h', 'f']) video.parseSdpLine(`a=rid:${rid} send`);
      video.parseSdpLine('a=simulcast:send q;h;f');
    } else {
      const ssrc = this.camera.layers[0]!.ssrc;
      video.addSSRC(ssrc, this.id, this.id, 'camera');
      video.addSSRC(this.rtxSsrcOf(0), this.id, this.id, 'camera');
      video.parseSdpLine(`a=ssrc-group:FID ${ssrc} ${this.rtxSsrcOf(0)}`);
    }
    const track = this.pc.addTrack(video);
    this.track = track;
    track.onMessage((message) => {
      if (!isRtcp(message)) return;
      for (const item of parseRtcp(message)) {
        if (item.kind === 'keyframe') {
          const layer = this.camera.layerOfSsrc(item.mediaSsrc);
          if (layer >= 0) this.camera.requestKeyframe(layer);
        }
        if (item.kind !== 'nack') continue;
        const layer = this.camera.layerOfSsrc(item.mediaSsrc);
        if (layer < 0) continue;
        this.nacked.push(...item.seqs);
        for (const original of this.camera.resend(item.mediaSsrc, item.seqs)) {
          this.send(this.asRtx(original, layer));
          this.rtxSent++;
        }
      }
    });
    this.pc.setLocalDescription();
    // As a browser's simulcast offer: no SSRCs; asking to be the DTLS client (see sfu-participant.ts).
    const sdp = (await gathered(this.pc))
      .split('\r\n')
      .filter((line) => this.mode === 'fid' || !/^a=(ssrc|ssrc-group|msid):/.test(line))
      .map((line) => (line === 'a=setup:actpass' ? 'a=setup:active' : line))
      .join('\r\n');
    const answer = await sfu.publish(MEETING, this.id, { sdp, fresh: true, slots: [{ mid: '0', slot: 'video' }] });
    this.pc.setRemoteDescription(answer, 'answer');
    const only = this.mode === 'fid' ? this.camera.layers[0]!.ssrc : null;
    this.timer = setInterval(() => {
      for (const packet of this.camera.nextFrame()) if (only === null || packet.readUInt32BE(8) === only) this.send(packet);
    }, 1000 / FPS);
    return answer;
  }

  /** An RTX packet with `extensions` (one-byte form) and `payload`, padded with `padding` bytes. */
  rtxPacket(ssrc: number, timestamp: number, marker: boolean, extensions: [number, string][], payload: Buffer, padding = 0): Buffer {
    const elements = Buffer.concat(extensions.map(([id, text]) => Buffer.concat([Buffer.from([(id << 4) | (text.length - 1)]), Buffer.from(text, 'latin1')])));
    const words = Math.ceil(elements.length / 4);
    const head = Buffer.alloc(16);
    head[0] = 0x90 | (padding ? 0x20 : 0);
    head[1] = (marker ? 0x80 : 0) | PUBLISHER_RTX_PT;
    head.writeUInt16BE(this.rtxSeq++ & 0xffff, 2);
    head.writeUInt32BE(timestamp >>> 0, 4);
    head.writeUInt32BE(ssrc >>> 0, 8);
    head.writeUInt16BE(0xbede, 12);
    head.writeUInt16BE(words, 14);
    const pad = padding ? Buffer.concat([Buffer.alloc(padding - 1), Buffer.from([padding])]) : Buffer.alloc(0);
    return Buffer.concat([head, elements, Buffer.alloc(words * 4 - elements.length), payload, pad]);
  }

  /** `original` (a packet of `layer` as first sent) as RTX, tagged as Chromium tags a layer's RTX. */
  asRtx(original: Buffer, layer: number): Buffer {
    const rtp = parseRtp(original)!;
    const payload = Buffer.concat([original.subarray(2, 4), original.subarray(rtp.payloadOffset, rtp.payloadEnd)]);
    const tags: [number, string][] = [
      [EXT.mid, '0'],
      [RRID.id, TEST_LAYERS[layer]!.rid],
    ];
    return this.rtxPacket(this.rtxSsrcOf(layer), rtp.timestamp, rtp.marker, this.mode === 'fid' ? [] : tags, payload);
  }

  send(packet: Buffer): void {
    if (!this.track?.isOpen()) return;
    try {
      this.track.sendMessageBinary(packet);
    } catch {
      // closing
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.pc.close();
  }
}

let sfu: RunningSfu;
let logs: SfuLog[] = [];
let meeting: TestMeeting;
let camera: SyntheticParticipant;
let publisher: RtxPublisher;
let fidPublisher: RtxPublisher;
let viewer: Viewer;

beforeAll(async () => {
  ({ sfu, logs } = await startTestSfu());
  meeting = new TestMeeting(sfu, MEETING);
  camera = await meeting.join(1);
  publisher = new RtxPublisher(2, 'rtx-publisher');
  await publisher.publish(sfu);
  fidPublisher = new RtxPublisher(3, 'rtx-fid-publisher', 'fid');
  await fidPublisher.publish(sfu);
  viewer = new Viewer(sfu, 'rtx-viewer');
  await until(
    [camera],
    () =>
      [camera.id, publisher.id, fidPublisher.id].every((from) => {
        const mid = viewer.midOf(from);
        return mid !== undefined && viewer.received.filter((p) => p.mid === mid && p.tail?.keyframe).length > 0;
      }),
    20_000,
    'the viewer getting both cameras',
  ).catch((error: unknown) => {
    const mids = [camera.id, publisher.id, fidPublisher.id].map((from) => `${from} on ${viewer.midOf(from) ?? 'no line'}`).join(', ');
    throw new Error(
      `${String(error)} (${mids}; ${viewer.received.length} packets; offered: ${viewer.offer !== null}; the SFU said: ${logs.map((l) => l.message).join(' | ')})`,
    );
  });
});

afterAll(async () => {
  viewer?.close();
  publisher?.close();
  fidPublisher?.close();
  meeting?.close();
  await sfu?.stop();
});

/** `from` holds back a packet of the layer the viewer gets, sends it as RTX once the SFU NACKs it: the viewer gets it as the original, in its gap. */
async function expectRtxTakenAsOriginal(from: RtxPublisher): Promise<void> {
  const mid = viewer.midOf(from.id)!;
  const ofPublisher = (): Received[] => viewer.received.filter((p) => p.mid === mid && p.tail?.publisher === from.index);
  const layer = ofPublisher().at(-1)!.tail!.layer;
  const held = from.camera.layers[layer]!.counter;
  const seq = from.camera.holdBack(layer);
  await until([], () => ofPublisher().some((p) => p.tail?.counter === held && p.tail.layer === layer), 2000, 'the held-back packet, as RTX, forwarded');
  expect(from.nacked).toContain(seq);
  expect(from.rtxSent).toBeGreaterThan(0);
  const late = ofPublisher().find((p) => p.tail?.counter === held && p.tail.layer === layer)!;
  const neighbours = ofPublisher().filter((p) => p.tail?.layer === layer && Math.abs(p.tail.counter - held) === 1);
  expect(neighbours).toHaveLength(2);
  // The original: VP8 on the line's media SSRC, with the sequence number between its neighbours'.
  expect(late.pt).toBe(VP8_PT);
  expect(late.ssrc).toBe(rtxOfLine(viewer.offer!.sdp, mid)!.ssrc);
  for (const n of neighbours) {
    expect(late.ssrc).toBe(n.ssrc);
    expect((n.seq - late.seq) & 0xffff).toBe(n.tail!.counter > held ? 1 : 0xffff);
  }
  // Came after the packet that followed it: it filled the gap.
  expect(late.at).toBeGreaterThan(neighbours.find((n) => n.tail!.counter > held)!.at);
}

describe('RTX through the SFU', () => {
  it("answers a subscriber's NACK with the packet wrapped as RTX: the line's RTX payload type and SSRC, the original sequence number and payload inside", async () => {
    const mid = viewer.midOf(camera.id)!;
    const line = rtxOfLine(viewer.offer!.sdp, mid);
    expect(line, 'the offer gives the video line RTX (rtx rtpmap, apt=96, a FID group)').not.toBeNull();
    const { ssrc, rtxSsrc, rtxPt } = line!;
    expect(rtxSsrc).not.toBe(ssrc);
    // A few of its packets first (the setup waited for one key frame; a loaded machine may have
    // let no more through yet): each NACK below asks for the third from last.
    await until([camera], () => viewer.received.filter((p) => p.mid === mid && p.pt === VP8_PT).length >= 3, 5000, 'three of its packets');
    const media = viewer.received.filter((p) => p.mid === mid && p.pt === VP8_PT);
    expect(media.every((p) => p.ssrc === ssrc)).toBe(true);
    const roundTrips: number[] = [];
    const rtxSeqs: number[] = [];
    for (let i = 0; i < 10; i++) {
      // A packet that came a moment ago (as if it had not): asked for again.
      const wanted = viewer.received.filter((p) => p.mid === mid && p.pt === VP8_PT).at(-3)!;
      const before = viewer.received.length;
      const sentAt = performance.now();
      expect(viewer.nack(mid, ssrc, [wanted.seq])).toBe(true);
      await until([], () => viewer.received.slice(before).some((p) => p.ssrc === rtxSsrc), 1000, `the retransmission of ${wanted.seq}`);
      const rtx = viewer.received.slice(before).find((p) => p.ssrc === rtxSsrc)!;
      roundTrips.push(rtx.at - sentAt);
      rtxSeqs.push(rtx.seq);
      expect(rtx.mid).toBe(mid);
      expect(rtx.pt).toBe(rtxPt);
      expect(rtx.timestamp).toBe(wanted.timestamp);
      expect(rtx.payload.readUInt16BE(0)).toBe(wanted.seq);
      expect(rtx.payload.subarray(2)).toEqual(wanted.payload);
      await sleep(50);
    }
    // The RTX stream numbers its packets itself, one after another.
    expect(rtxSeqs.every((seq, i) => i === 0 || seq === ((rtxSeqs[i - 1]! + 1) & 0xffff))).toBe(true);
    // Nothing came back plain on the media SSRC for the NACKs: every media packet's sequence number came once.
    const seqs = viewer.received.filter((p) => p.mid === mid && p.ssrc === ssrc).map((p) => p.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    roundTrips.sort((a, b) => a - b);
    console.log(`NACK -> RTX round trip through the SFU (loopback), ms: median ${roundTrips[5]!.toFixed(2)}, max ${roundTrips[9]!.toFixed(2)}`);

    // A packet it no longer keeps (long gone) is not resent.
    const before = viewer.received.length;
    const old = (viewer.received.filter((p) => p.mid === mid && p.pt === VP8_PT).at(-1)!.seq - 2000) & 0xffff;
    viewer.nack(mid, ssrc, [old]);
    await sleep(300);
    expect(viewer.received.slice(before).some((p) => p.ssrc === rtxSsrc)).toBe(false);
  });

  it("takes a publisher's RTX of a simulcast layer (tied to it by the repaired rid) as the original packet, filling the gap, and forwards it as that packet", async () => {
    await expectRtxTakenAsOriginal(publisher);
  });

  it("takes a publisher's RTX announced in a FID group (no extensions) as the original packet, the same way", async () => {
    await expectRtxTakenAsOriginal(fidPublisher);
  });

  it("forwards none of a publisher's padding-only RTX probes or malformed RTX, and goes on forwarding its media", async () => {
    const mid = viewer.midOf(publisher.id)!;
    const layer = viewer.received.filter((p) => p.mid === mid).at(-1)!.tail!.layer;
    const rid = TEST_LAYERS[layer]!.rid;
    const tagged: [number, string][] = [
      [EXT.mid, '0'],
      [RRID.id, rid],
    ];
    const start = viewer.received.length;
    const lastSeen = viewer.received.filter((p) => p.mid === mid).at(-1)!.seq;
    for (let i = 0; i < 20; i++) {
      // Probes: padding alone, on the layer's RTX SSRC.
      publisher.send(publisher.rtxPacket(publisher.rtxSsrcOf(layer), 0, false, tagged, Buffer.alloc(0), 224));
      // Too short: one byte, or the original sequence number alone.
      publisher.send(publisher.rtxPacket(publisher.rtxSsrcOf(layer), 0, false, tagged, Buffer.from([0x12])));
      publisher.send(publisher.rtxPacket(publisher.rtxSsrcOf(layer), 0, false, tagged, Buffer.from([(lastSeen + 5) >> 8, (lastSeen + 5) & 0xff])));
      // Of no known stream: an unknown SSRC without extensions, an unknown repaired rid, another mid.
      const payload = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(100, 0x77)]);
      publisher.send(publisher.rtxPacket(0x0badf00d, 0, false, [], payload));
      publisher.send(
        publisher.rtxPacket(
          0x0badf00e,
          0,
          false,
          [
            [EXT.mid, '0'],
            [RRID.id, 'z'],
          ],
          payload,
        ),
      );
      publisher.send(
        publisher.rtxPacket(
          0x0badf00f,
          0,
          false,
          [
            [EXT.mid, '9'],
            [RRID.id, rid],
          ],
          payload,
        ),
      );
      await sleep(10);
    }
    await sleep(500);
    const after = viewer.received.slice(start).filter((p) => p.mid === mid);
    // Media went on (30 frames a second), every packet one of the publisher's own, none twice.
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((p) => p.pt === VP8_PT && p.tail?.publisher === publisher.index && p.payload.length > 100)).toBe(true);
    const counters = after.map((p) => `${p.tail!.layer}/${p.tail!.counter}`);
    expect(new Set(counters).size).toBe(counters.length);
    expect(await sfu.stats()).toMatchObject({ meetings: 1 });
  });
});
