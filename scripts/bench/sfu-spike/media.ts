/**
 * The synthetic simulcast stream of the SFU spike, and the few RTP/RTCP bytes both SFUs and the
 * clients read or write. Nothing here depends on a WebRTC stack.
 *
 * Every packet is VP8-shaped: a payload descriptor with a 15-bit picture id (and the 3-byte VP8
 * header at the start of a frame, its P bit clear on key frames), then filler, then a 16-byte tail
 * that the bench reads: magic, layer, a per-layer packet counter and the send time (CLOCK_MONOTONIC
 * in ns, which every process on the machine shares).
 */

export interface Layer {
  rid: string;
  /** The publisher's SSRC for this layer. */
  ssrc: number;
  kbps: number;
  width: number;
}

/** 180p / 360p / 720p at realistic rates for a 30 fps camera. */
export const LAYERS: readonly Layer[] = [
  { rid: 'q', ssrc: 0x51000001, kbps: 150, width: 320 },
  { rid: 'h', ssrc: 0x51000002, kbps: 500, width: 640 },
  { rid: 'f', ssrc: 0x51000003, kbps: 1500, width: 1280 },
];
export const FPS = 30;
/** The largest payload per packet (Chrome's packets stay under ~1200 bytes on the wire). */
export const MAX_PAYLOAD = 1100;
/** A key frame is this many times the size of a delta frame. */
export const KEYFRAME_FACTOR = 4;
export const VP8_PT = 96;
export const VIDEO_CLOCK = 90_000;

/** One-byte header extension ids, as Chrome numbers them. */
export const EXT = { absSendTime: 2, twcc: 3, mid: 4, rid: 10 } as const;
export const URI = {
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  twcc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
} as const;

export const TAIL_BYTES = 16;
const TAIL_MAGIC = 0xa5;

export const nowNs = (): bigint => process.hrtime.bigint();
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

// ---------------------------------------------------------------------------------------------
// RTP

export interface RtpView {
  marker: boolean;
  payloadType: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  /** Where the payload starts (after CSRCs and extensions). */
  payloadOffset: number;
  /** Where the payload ends (before padding). */
  payloadEnd: number;
  /** Offset and length of the extension block's elements, or -1 / 0. */
  extOffset: number;
  extLength: number;
  oneByteExtensions: boolean;
}

/** RTCP packet types 192–223 sit where RTP's marker bit and payload type are (RFC 5761). */
export function isRtcp(packet: Uint8Array): boolean {
  const pt = (packet[1] ?? 0) & 0x7f;
  return packet.length >= 8 && pt >= 64 && pt <= 95;
}

export function parseRtp(packet: Buffer): RtpView | null {
  if (packet.length < 12 || (packet[0]! & 0xc0) !== 0x80) return null;
  const csrcs = packet[0]! & 0x0f;
  let offset = 12 + csrcs * 4;
  let extOffset = -1;
  let extLength = 0;
  let oneByteExtensions = false;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return null;
    const profile = packet.readUInt16BE(offset);
    extLength = packet.readUInt16BE(offset + 2) * 4;
    oneByteExtensions = profile === 0xbede;
    extOffset = offset + 4;
    offset = extOffset + extLength;
  }
  let payloadEnd = packet.length;
  if (packet[0]! & 0x20) payloadEnd -= packet[packet.length - 1]!;
  if (offset > payloadEnd) return null;
  return {
    marker: (packet[1]! & 0x80) !== 0,
    payloadType: packet[1]! & 0x7f,
    seq: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payloadOffset: offset,
    payloadEnd,
    extOffset,
    extLength,
    oneByteExtensions,
  };
}

/** The value of one-byte (or two-byte) header extension `id`, or null. */
export function readExtension(packet: Buffer, rtp: RtpView, id: number): Buffer | null {
  if (rtp.extOffset < 0) return null;
  let p = rtp.extOffset;
  const end = rtp.extOffset + rtp.extLength;
  while (p < end) {
    const first = packet[p]!;
    if (first === 0) {
      p++; // padding
      continue;
    }
    let elementId: number;
    let length: number;
    if (rtp.oneByteExtensions) {
      elementId = first >> 4;
      length = (first & 0x0f) + 1;
      p += 1;
      if (elementId === 15) return null;
    } else {
      elementId = first;
      length = packet[p + 1] ?? 0;
      p += 2;
    }
    if (elementId === id) return packet.subarray(p, Math.min(p + length, end));
    p += length;
  }
  return null;
}

/** VP8: does this payload start a key frame (S=1, partition 0, P bit clear)? */
export function isVp8KeyframeStart(packet: Buffer, rtp: RtpView): boolean {
  let p = rtp.payloadOffset;
  const first = packet[p];
  if (first === undefined || (first & 0x10) === 0 || (first & 0x07) !== 0) return false;
  p++;
  if (first & 0x80) {
    const x = packet[p++] ?? 0;
    if (x & 0x80) p += (packet[p] ?? 0) & 0x80 ? 2 : 1;
    if (x & 0x40) p++;
    if (x & 0x30) p++;
  }
  return p < rtp.payloadEnd && ((packet[p] ?? 1) & 0x01) === 0;
}

export interface Stamp {
  layer: number;
  counter: number;
  sentNs: bigint;
}

export function readStamp(packet: Buffer, rtp: RtpView): Stamp | null {
  const at = rtp.payloadEnd - TAIL_BYTES;
  if (at < rtp.payloadOffset || packet[at] !== TAIL_MAGIC) return null;
  return { layer: packet[at + 1]!, counter: packet.readUInt32BE(at + 4), sentNs: packet.readBigUInt64BE(at + 8) };
}

/** Rewrites the send time of a packet built by `FrameSource` (its payload ends the packet). */
export function restamp(packet: Buffer, sentNs: bigint): void {
  packet.writeBigUInt64BE(sentNs, packet.length - 8);
}

// ---------------------------------------------------------------------------------------------
// The synthetic publisher

interface LayerState {
  seq: number;
  counter: number;
  pictureId: number;
  twcc: number;
  keyframeRequested: boolean;
}

export interface FrameSourceOptions {
  /** The publisher's mid for the video m-line (sent in the mid header extension). */
  mid: string;
  /** Random but reproducible frame sizes. */
  seed?: number;
}

/** Makes each layer's packets for one frame, as a simulcast encoder and its packetizer would. */
export class FrameSource {
  private readonly layers: LayerState[];
  private frame = 0;
  private random: () => number;
  private transportSeq = 0;
  keyframes = 0;

  constructor(private readonly options: FrameSourceOptions) {
    this.layers = LAYERS.map(() => ({ seq: 1000, counter: 0, pictureId: 0, twcc: 0, keyframeRequested: true }));
    let s = options.seed ?? 12345;
    this.random = () => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s / 0x7fffffff;
    };
  }

  requestKeyframe(layer: number): void {
    const state = this.layers[layer];
    if (state) state.keyframeRequested = true;
  }

  layerOfSsrc(ssrc: number): number {
    return LAYERS.findIndex((l) => l.ssrc === ssrc);
  }

  /** The packets of the next frame of every layer (all layers are encoded from the same capture). */
  nextFrame(): Buffer[][] {
    const timestamp = (this.frame * (VIDEO_CLOCK / FPS)) >>> 0;
    this.frame++;
    return LAYERS.map((layer, index) => {
      const state = this.layers[index]!;
      const key = state.keyframeRequested;
      state.keyframeRequested = false;
      if (key) this.keyframes++;
      const mean = (layer.kbps * 1000) / 8 / FPS;
      const bytes = Math.round(mean * (0.8 + 0.4 * this.random()) * (key ? KEYFRAME_FACTOR : 1));
      const count = Math.max(1, Math.ceil(bytes / MAX_PAYLOAD));
      const size = Math.max(TAIL_BYTES + 8, Math.round(bytes / count));
      state.pictureId = (state.pictureId + 1) & 0x7fff;
      const packets: Buffer[] = [];
      for (let i = 0; i < count; i++) packets.push(this.packet(index, state, timestamp, size, i === 0, i === count - 1, key));
      return packets;
    });
  }

  private packet(layer: number, state: LayerState, timestamp: number, payloadSize: number, first: boolean, last: boolean, key: boolean): Buffer {
    const rid = LAYERS[layer]!.rid;
    const mid = this.options.mid;
    // Extensions: mid, rid, transport-wide sequence number (one-byte form), padded to 32 bits.
    const extBytes = 1 + mid.length + 1 + rid.length + 3;
    const extWords = Math.ceil(extBytes / 4);
    const header = 12 + 4 + extWords * 4;
    const packet = Buffer.alloc(header + payloadSize);
    packet[0] = 0x90; // V=2, X=1
    packet[1] = (last ? 0x80 : 0) | VP8_PT;
    packet.writeUInt16BE(state.seq, 2);
    state.seq = (state.seq + 1) & 0xffff;
    packet.writeUInt32BE(timestamp, 4);
    packet.writeUInt32BE(LAYERS[layer]!.ssrc, 8);
    packet.writeUInt16BE(0xbede, 12);
    packet.writeUInt16BE(extWords, 14);
    let p = 16;
    packet[p++] = (EXT.mid << 4) | (mid.length - 1);
    p += packet.write(mid, p, 'latin1');
    packet[p++] = (EXT.rid << 4) | (rid.length - 1);
    p += packet.write(rid, p, 'latin1');
    packet[p++] = (EXT.twcc << 4) | 1;
    packet.writeUInt16BE(this.transportSeq, p);
    this.transportSeq = (this.transportSeq + 1) & 0xffff;
    // VP8 payload descriptor: X, S on the first packet, I with a 15-bit picture id.
    p = header;
    packet[p++] = 0x80 | (first ? 0x10 : 0);
    packet[p++] = 0x80;
    packet.writeUInt16BE(0x8000 | state.pictureId, p);
    p += 2;
    if (first) packet[p] = key ? 0x10 : 0x11; // VP8 header: P bit (0 = key frame), version, show_frame
    const tail = packet.length - TAIL_BYTES;
    packet[tail] = TAIL_MAGIC;
    packet[tail + 1] = layer;
    packet.writeUInt32BE(state.counter, tail + 4);
    state.counter = (state.counter + 1) >>> 0;
    return packet;
  }
}

// ---------------------------------------------------------------------------------------------
// RTCP

export interface RtcpFeedback {
  /** 205 transport-layer or 206 payload-specific feedback. */
  packetType: number;
  fmt: number;
  senderSsrc: number;
  mediaSsrc: number;
  /** REMB bitrate in bit/s (PT 206, FMT 15, "REMB"). */
  rembBps?: number;
}

/** The feedback messages of a compound RTCP packet (reports and SDES are skipped). */
export function parseRtcpFeedback(packet: Buffer): RtcpFeedback[] {
  const out: RtcpFeedback[] = [];
  let p = 0;
  while (p + 4 <= packet.length) {
    const fmt = packet[p]! & 0x1f;
    const type = packet[p + 1]!;
    const length = (packet.readUInt16BE(p + 2) + 1) * 4;
    if (p + length > packet.length) break;
    if ((type === 205 || type === 206) && length >= 12) {
      const fb: RtcpFeedback = { packetType: type, fmt, senderSsrc: packet.readUInt32BE(p + 4), mediaSsrc: packet.readUInt32BE(p + 8) };
      if (type === 206 && fmt === 15 && length >= 20 && packet.toString('latin1', p + 12, p + 16) === 'REMB') {
        const exp = packet[p + 17]! >> 2;
        const mantissa = ((packet[p + 17]! & 0x03) << 16) | packet.readUInt16BE(p + 18);
        fb.rembBps = mantissa * 2 ** exp;
      }
      out.push(fb);
    }
    p += length;
  }
  return out;
}

export const isPli = (fb: RtcpFeedback): boolean => fb.packetType === 206 && fb.fmt === 1;
export const isFir = (fb: RtcpFeedback): boolean => fb.packetType === 206 && fb.fmt === 4;
export const isNack = (fb: RtcpFeedback): boolean => fb.packetType === 205 && fb.fmt === 1;

/** Picture Loss Indication (RFC 4585). */
export function pli(senderSsrc: number, mediaSsrc: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 0x80 | 1;
  b[1] = 206;
  b.writeUInt16BE(2, 2);
  b.writeUInt32BE(senderSsrc, 4);
  b.writeUInt32BE(mediaSsrc, 8);
  return b;
}

/** Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb). */
export function remb(senderSsrc: number, bitrate: number, ssrcs: readonly number[]): Buffer {
  const b = Buffer.alloc(20 + 4 * ssrcs.length);
  b[0] = 0x80 | 15;
  b[1] = 206;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(senderSsrc, 4);
  b.writeUInt32BE(0, 8);
  b.write('REMB', 12, 'latin1');
  let exp = 0;
  let mantissa = Math.round(bitrate);
  while (mantissa > 0x3ffff) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  b[16] = ssrcs.length;
  b[17] = (exp << 2) | (mantissa >> 16);
  b.writeUInt16BE(mantissa & 0xffff, 18);
  ssrcs.forEach((ssrc, i) => b.writeUInt32BE(ssrc, 20 + 4 * i));
  return b;
}

/** An empty-report Receiver Report followed by a REMB: what a receiver sends every second. */
export function receiverFeedback(senderSsrc: number, bitrate: number, ssrcs: readonly number[]): Buffer {
  const rr = Buffer.alloc(8);
  rr[0] = 0x80;
  rr[1] = 201;
  rr.writeUInt16BE(1, 2);
  rr.writeUInt32BE(senderSsrc, 4);
  return Buffer.concat([rr, remb(senderSsrc, bitrate, ssrcs)]);
}

// ---------------------------------------------------------------------------------------------
// Pacing

/**
 * Calls `tick` FPS times a second on a fixed schedule (deadlines from CLOCK_MONOTONIC, so a late
 * tick does not shift the next ones) until `stop` is called. Counts ticks that ran > 5 ms late.
 */
export function startTicker(fps: number, tick: () => void): { stop(): void; lateTicks(): number } {
  const periodNs = BigInt(Math.round(1e9 / fps));
  let next = nowNs();
  let late = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    const now = nowNs();
    if (now - next > 5_000_000n) late++;
    tick();
    next += periodNs;
    if (next < now) next = now; // starved for more than a period: do not burst to catch up
    timer = setTimeout(run, Math.max(0, Number(next - nowNs()) / 1e6));
  };
  run();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    lateTicks: () => late,
  };
}

/** The id a description gives a header extension, or null. */
export function extensionId(sdp: string, uri: string): number | null {
  const m = new RegExp(`^a=extmap:(\\d+)(?:/\\S+)? ${uri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm').exec(sdp);
  return m ? Number(m[1]) : null;
}
