/**
 * The synthetic media of the SFU tests: RTP shaped as a browser sends it (VP8 with its payload
 * descriptor and, on key frames, a frame header with the size; Opus-sized audio with the audio
 * level extension; mid and rid header extensions), whose payload ends with a tail that says whose
 * packet it is, of which slot and layer, and where it stands (a counter per stream, the frame).
 */
import { readFileSync } from 'node:fs';

export const SLOTS = ['audio', 'video', 'screen', 'screenAudio'] as const;
export type TestSlot = (typeof SLOTS)[number];

/** The layers a synthetic camera or screen sends (rids q, h, f), with their sizes and packets per frame. */
export const TEST_LAYERS = [
  { rid: 'q', width: 320, height: 180, packets: 1 },
  { rid: 'h', width: 640, height: 360, packets: 2 },
  { rid: 'f', width: 1280, height: 720, packets: 4 },
] as const;
export const FPS = 30;
export const VP8_PT = 96;
export const OPUS_PT = 111;
export const EXT = { audioLevel: 1, twcc: 3, mid: 4, rid: 10 } as const;
export const URI = {
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  twcc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
} as const;

const TAIL = 16;
const MAGIC = 0xa5;
const VIDEO_PAYLOAD = 700;
const AUDIO_PAYLOAD = 80;

/** Packets per frame and payload bytes per packet of each layer (q, h, f): by default the tests' small ones. */
export type VideoShape = readonly { packets: number; payload: number }[];
export const TEST_SHAPE: VideoShape = TEST_LAYERS.map((l) => ({ packets: l.packets, payload: VIDEO_PAYLOAD }));

/** What the tail of a synthetic packet says. */
export interface Tail {
  publisher: number;
  slot: TestSlot;
  layer: number;
  /** Per (publisher, slot, layer): 0, 1, 2, … in sending order. */
  counter: number;
  frame: number;
  keyframe: boolean;
  firstOfFrame: boolean;
  lastOfFrame: boolean;
}

export function readTail(packet: Buffer, payloadOffset: number): Tail | null {
  const at = packet.length - TAIL;
  if (at < payloadOffset || packet[at] !== MAGIC) return null;
  const flags = packet[at + 12]!;
  return {
    publisher: packet[at + 1]!,
    slot: SLOTS[packet[at + 2]!] ?? 'audio',
    layer: packet[at + 3]!,
    counter: packet.readUInt32BE(at + 4),
    frame: packet.readUInt32BE(at + 8),
    keyframe: (flags & 1) !== 0,
    firstOfFrame: (flags & 2) !== 0,
    lastOfFrame: (flags & 4) !== 0,
  };
}

function header(ssrc: number, seq: number, timestamp: number, pt: number, marker: boolean, extensions: [number, Buffer][]): Buffer {
  const body = extensions.reduce((n, [, value]) => n + 1 + value.length, 0);
  const words = Math.ceil(body / 4);
  const b = Buffer.alloc(16 + words * 4);
  b[0] = 0x90;
  b[1] = (marker ? 0x80 : 0) | pt;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(timestamp >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  b.writeUInt16BE(0xbede, 12);
  b.writeUInt16BE(words, 14);
  let p = 16;
  for (const [id, value] of extensions) {
    b[p++] = (id << 4) | (value.length - 1);
    value.copy(b, p);
    p += value.length;
  }
  return b;
}

function tail(publisher: number, slot: TestSlot, layer: number, counter: number, frame: number, flags: number): Buffer {
  const t = Buffer.alloc(TAIL);
  t[0] = MAGIC;
  t[1] = publisher;
  t[2] = SLOTS.indexOf(slot);
  t[3] = layer;
  t.writeUInt32BE(counter >>> 0, 4);
  t.writeUInt32BE(frame >>> 0, 8);
  t[12] = flags;
  return t;
}

interface LayerState {
  ssrc: number;
  seq: number;
  counter: number;
  pictureId: number;
  keyframeWanted: boolean;
}

/** A camera or a screen: three simulcast layers, a key frame of a layer whenever one is asked for. */
export class SimulcastSource {
  readonly layers: LayerState[];
  private frame = 0;
  /** Key frames sent per layer. */
  readonly keyframes = [0, 0, 0];
  /** A layer whose next packet is held back (as if lost on the way), until a NACK asks for it. */
  private holdLayer: number | null = null;
  private readonly held = new Map<string, Buffer>();

  constructor(
    private readonly publisher: number,
    readonly slot: 'video' | 'screen',
    readonly mid: string,
    ssrcBase: number,
    private readonly shape: VideoShape = TEST_SHAPE,
  ) {
    this.layers = TEST_LAYERS.map((_, i) => ({ ssrc: ssrcBase + i, seq: 1000 * (i + 1), counter: 0, pictureId: 0, keyframeWanted: true }));
  }

  layerOfSsrc(ssrc: number): number {
    return this.layers.findIndex((l) => l.ssrc === ssrc);
  }

  /** The next packet of `layer` is not sent: it goes out when a NACK asks for it. Returns its sequence number. */
  holdBack(layer: number): number {
    this.holdLayer = layer;
    return this.layers[layer]!.seq & 0xffff;
  }

  /** The held-back packets a NACK for `seqs` of `ssrc` asks for. */
  resend(ssrc: number, seqs: readonly number[]): Buffer[] {
    return seqs.flatMap((seq) => {
      const packet = this.held.get(`${ssrc}/${seq}`);
      this.held.delete(`${ssrc}/${seq}`);
      return packet ? [packet] : [];
    });
  }

  requestKeyframe(layer: number): void {
    const state = this.layers[layer];
    if (state) state.keyframeWanted = true;
  }

  /** The timestamp of the next frame (every layer's: they are encoded from the same capture). */
  get nextTimestamp(): number {
    return (this.frame * (90_000 / FPS)) >>> 0;
  }

  /** Every layer's packets of the next frame. */
  nextFrame(): Buffer[] {
    const frame = this.frame++;
    const timestamp = (frame * (90_000 / FPS)) >>> 0;
    const out: Buffer[] = [];
    TEST_LAYERS.forEach((layer, index) => {
      const state = this.layers[index]!;
      const key = state.keyframeWanted;
      state.keyframeWanted = false;
      if (key) this.keyframes[index]!++;
      state.pictureId = (state.pictureId + 1) & 0x7fff;
      const { packets, payload } = this.shape[index] ?? TEST_SHAPE[index]!;
      const count = key ? packets * 2 : packets;
      for (let i = 0; i < count; i++) {
        const first = i === 0;
        const last = i === count - 1;
        const ext: [number, Buffer][] = [
          [EXT.mid, Buffer.from(this.mid, 'latin1')],
          [EXT.rid, Buffer.from(layer.rid, 'latin1')],
        ];
        const h = header(state.ssrc, state.seq++, timestamp, VP8_PT, last, ext);
        const descriptor = Buffer.from([0x80 | (first ? 0x10 : 0), 0x80, 0x80 | (state.pictureId >> 8), state.pictureId & 0xff]);
        let vp8 = Buffer.alloc(0);
        if (first) {
          vp8 = key ? Buffer.alloc(10) : Buffer.alloc(3);
          vp8[0] = key ? 0x10 : 0x11; // frame tag: P bit clear on a key frame, show_frame
          if (key) {
            vp8[3] = 0x9d;
            vp8[4] = 0x01;
            vp8[5] = 0x2a;
            vp8.writeUInt16LE(layer.width, 6);
            vp8.writeUInt16LE(layer.height, 8);
          }
        }
        const filler = Buffer.alloc(Math.max(0, payload - descriptor.length - vp8.length - TAIL), 0x55);
        const flags = (key ? 1 : 0) | (first ? 2 : 0) | (last ? 4 : 0);
        const packet = Buffer.concat([h, descriptor, vp8, filler, tail(this.publisher, this.slot, index, state.counter++, frame, flags)]);
        if (this.holdLayer === index) {
          this.holdLayer = null;
          this.held.set(`${state.ssrc}/${(state.seq - 1) & 0xffff}`, packet);
        } else out.push(packet);
      }
    });
    return out;
  }
}

/** A microphone (or screen sound): a packet every 20 ms with its audio level. */
export class AudioSource {
  private seq = 5000;
  private counter = 0;
  private timestamp = 0;
  /** Audio level to send, in -dBov (0 loudest … 127 silence). */
  level = 40;

  constructor(
    private readonly publisher: number,
    readonly slot: 'audio' | 'screenAudio',
    readonly mid: string,
    readonly ssrc: number,
  ) {}

  get nextTimestamp(): number {
    return this.timestamp;
  }

  nextPacket(): Buffer {
    const h = header(this.ssrc, this.seq++, this.timestamp, OPUS_PT, false, [
      [EXT.mid, Buffer.from(this.mid, 'latin1')],
      [EXT.audioLevel, Buffer.from([this.level & 0x7f])],
    ]);
    this.timestamp = (this.timestamp + 960) >>> 0;
    return Buffer.concat([h, Buffer.alloc(AUDIO_PAYLOAD - TAIL, 0x33), tail(this.publisher, this.slot, 0, this.counter++, 0, 0)]);
  }
}

/** A sender report saying that `rtpTimestamp` is now (the wall clock as NTP time). */
export function senderReportNow(ssrc: number, rtpTimestamp: number): Buffer {
  const ms = Date.now();
  const b = Buffer.alloc(28);
  b[0] = 0x80;
  b[1] = 200;
  b.writeUInt16BE(6, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  b.writeUInt32BE((Math.floor(ms / 1000) + 2_208_988_800) >>> 0, 8);
  b.writeUInt32BE(Math.floor(((ms % 1000) / 1000) * 0x100000000) >>> 0, 12);
  b.writeUInt32BE(rtpTimestamp >>> 0, 16);
  return b;
}

/** Chromium's publishing offer: a microphone, a camera and a screen as q/h/f simulcast, and screen sound. */
export const CHROME_OFFER = readFileSync(new URL('./sfu-chrome-offer.sdp', import.meta.url), 'utf8');

/** What libdatachannel answers to the anchor it is shown (one Opus line), with its host candidate or none. */
export function stackAnswer(options: { candidate: boolean }): string {
  return [
    'v=0',
    'o=rtc 123 0 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=fingerprint:sha-256 AA:BB',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=mid:0',
    'a=setup:active',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:secretsecretsecret',
    ...(options.candidate ? ['a=candidate:1 1 UDP 2114977791 192.0.2.1 40000 typ host', 'a=end-of-candidates'] : []),
    '',
  ].join('\r\n');
}
