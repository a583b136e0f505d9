/**
 * The few RTP bytes the SFU reads or writes: the fixed header, header extensions (mid, rid, audio
 * level), where a VP8 key frame starts and its size. Nothing here knows about connections.
 */

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
  const type = (packet[1] ?? 0) & 0x7f;
  return packet.length >= 8 && type >= 64 && type <= 95;
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

/** The value of header extension `id` (one-byte or two-byte form), or null. */
export function readExtension(packet: Buffer, rtp: RtpView, id: number): Buffer | null {
  if (rtp.extOffset < 0 || id <= 0) return null;
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
    if (p + length > end) return null;
    if (elementId === id) return packet.subarray(p, p + length);
    p += length;
  }
  return null;
}

/** A string-valued extension (mid, rid), or null. */
export function readTextExtension(packet: Buffer, rtp: RtpView, id: number | null): string | null {
  if (id === null) return null;
  const value = readExtension(packet, rtp, id);
  return value && value.length > 0 ? value.toString('latin1') : null;
}

/** The audio level (RFC 6464) as loudness 0 (silence) to 127 (loudest), or null. */
export function readAudioLoudness(packet: Buffer, rtp: RtpView, id: number | null): number | null {
  if (id === null) return null;
  const value = readExtension(packet, rtp, id);
  if (!value || value.length < 1) return null;
  return 127 - (value[0]! & 0x7f);
}

/** Where the VP8 payload header starts (after the payload descriptor), or -1. */
function vp8HeaderOffset(packet: Buffer, rtp: RtpView): number {
  let p = rtp.payloadOffset;
  const first = packet[p];
  if (first === undefined) return -1;
  p++;
  if (first & 0x80) {
    const x = packet[p++] ?? 0;
    if (x & 0x80) p += (packet[p] ?? 0) & 0x80 ? 2 : 1; // picture id, 7 or 15 bits
    if (x & 0x40) p++; // TL0PICIDX
    if (x & 0x30) p++; // TID / KEYIDX
  }
  return p < rtp.payloadEnd ? p : -1;
}

/** VP8: does this packet start a key frame (S=1, partition 0, P bit clear)? */
export function isVp8KeyframeStart(packet: Buffer, rtp: RtpView): boolean {
  if (rtp.payloadOffset >= rtp.payloadEnd) return false; // padding only (a browser's bandwidth probe)
  const first = packet[rtp.payloadOffset];
  if (first === undefined || (first & 0x10) === 0 || (first & 0x07) !== 0) return false;
  const p = vp8HeaderOffset(packet, rtp);
  return p >= 0 && (packet[p]! & 0x01) === 0;
}

/** A VP8 key frame's size, from the start of its first packet (RFC 6386 9.1), or null. */
export function vp8KeyframeSize(packet: Buffer, rtp: RtpView): { width: number; height: number } | null {
  const p = vp8HeaderOffset(packet, rtp);
  if (p < 0 || p + 10 > rtp.payloadEnd) return null;
  if (packet[p + 3] !== 0x9d || packet[p + 4] !== 0x01 || packet[p + 5] !== 0x2a) return null;
  const width = packet.readUInt16LE(p + 6) & 0x3fff;
  const height = packet.readUInt16LE(p + 8) & 0x3fff;
  return width > 0 && height > 0 ? { width, height } : null;
}

/**
 * The forwarded packet: `packet`'s header without CSRCs or extensions, its payload and padding,
 * with another payload type. Sequence number, timestamp and SSRC are written per subscriber.
 */
export function strippedPacket(packet: Buffer, rtp: RtpView, payloadType: number): Buffer {
  const out = Buffer.allocUnsafe(12 + packet.length - rtp.payloadOffset);
  out[0] = 0x80 | (packet[0]! & 0x20); // V=2, padding kept, no extension, no CSRC
  out[1] = (packet[1]! & 0x80) | payloadType;
  packet.copy(out, 12, rtp.payloadOffset);
  return out;
}

/** Writes the per-subscriber fields of a packet made by `strippedPacket`. */
export function stampPacket(out: Buffer, seq: number, timestamp: number, ssrc: number): void {
  out.writeUInt16BE(seq, 2);
  out.writeUInt32BE(timestamp >>> 0, 4);
  out.writeUInt32BE(ssrc >>> 0, 8);
}

/** Newer-than for 16-bit sequence numbers. */
export const seqNewer = (a: number, b: number): boolean => a !== b && ((a - b) & 0xffff) < 0x8000;
