/**
 * The RTCP the SFU reads (sender reports, PLI, FIR, NACK, REMB) and writes (receiver reports,
 * REMB, PLI and NACK to publishers). RFC 3550, RFC 4585, RFC 5104, draft-alvestrand-rmcat-remb.
 */

export type RtcpItem =
  /** A sender report: its NTP time (seconds and fraction), and the RTP timestamp of that moment. */
  | { kind: 'sr'; ssrc: number; ntpSeconds: number; ntpFraction: number; rtpTimestamp: number }
  /** A key frame request (PLI, or FIR for each FCI's SSRC). */
  | { kind: 'keyframe'; mediaSsrc: number }
  | { kind: 'nack'; mediaSsrc: number; seqs: number[] }
  | { kind: 'remb'; bitrate: number; ssrcs: number[] }
  /** A report block (of a receiver or sender report) about the stream `ssrc`: the share lost since the last one, 0–1. */
  | { kind: 'report'; ssrc: number; fractionLost: number; extendedHighestSeq: number };

/** What a compound RTCP packet says that the SFU acts on. */
export function parseRtcp(packet: Buffer): RtcpItem[] {
  const out: RtcpItem[] = [];
  let p = 0;
  while (p + 4 <= packet.length) {
    if ((packet[p]! & 0xc0) !== 0x80) break;
    const count = packet[p]! & 0x1f;
    const type = packet[p + 1]!;
    const length = (packet.readUInt16BE(p + 2) + 1) * 4;
    if (p + length > packet.length) break;
    if (type === 200 && length >= 28) {
      out.push({
        kind: 'sr',
        ssrc: packet.readUInt32BE(p + 4),
        ntpSeconds: packet.readUInt32BE(p + 8),
        ntpFraction: packet.readUInt32BE(p + 12),
        rtpTimestamp: packet.readUInt32BE(p + 16),
      });
    } else if (type === 206 && count === 1 && length >= 12) {
      out.push({ kind: 'keyframe', mediaSsrc: packet.readUInt32BE(p + 8) });
    } else if (type === 206 && count === 4) {
      for (let f = p + 12; f + 8 <= p + length; f += 8) out.push({ kind: 'keyframe', mediaSsrc: packet.readUInt32BE(f) });
    } else if (type === 206 && count === 15 && length >= 20 && packet.toString('latin1', p + 12, p + 16) === 'REMB') {
      const n = packet[p + 16]!;
      const exp = packet[p + 17]! >> 2;
      const mantissa = ((packet[p + 17]! & 0x03) << 16) | packet.readUInt16BE(p + 18);
      const ssrcs: number[] = [];
      for (let i = 0; i < n && p + 24 + 4 * i <= p + length; i++) ssrcs.push(packet.readUInt32BE(p + 20 + 4 * i));
      out.push({ kind: 'remb', bitrate: mantissa * 2 ** exp, ssrcs });
    } else if (type === 205 && count === 1 && length >= 16) {
      const seqs: number[] = [];
      for (let f = p + 12; f + 4 <= p + length; f += 4) {
        const pid = packet.readUInt16BE(f);
        const blp = packet.readUInt16BE(f + 2);
        seqs.push(pid);
        for (let bit = 0; bit < 16; bit++) if (blp & (1 << bit)) seqs.push((pid + bit + 1) & 0xffff);
      }
      out.push({ kind: 'nack', mediaSsrc: packet.readUInt32BE(p + 8), seqs });
    }
    if (type === 200 || type === 201) reportBlocks(packet, p + (type === 200 ? 28 : 8), p + length, count, out);
    p += length;
  }
  return out;
}

const REPORT_BLOCK = 24;

function reportBlocks(packet: Buffer, from: number, end: number, count: number, out: RtcpItem[]): void {
  for (let i = 0, o = from; i < count && o + REPORT_BLOCK <= end; i++, o += REPORT_BLOCK) {
    out.push({ kind: 'report', ssrc: packet.readUInt32BE(o), fractionLost: packet[o + 4]! / 256, extendedHighestSeq: packet.readUInt32BE(o + 8) });
  }
}

/** A sender report without report blocks (RFC 3550 6.4.1). */
export function senderReport(ssrc: number, ntpSeconds: number, ntpFraction: number, rtpTimestamp: number, packets: number, octets: number): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x80;
  b[1] = 200;
  b.writeUInt16BE(6, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  b.writeUInt32BE(ntpSeconds >>> 0, 8);
  b.writeUInt32BE(ntpFraction >>> 0, 12);
  b.writeUInt32BE(rtpTimestamp >>> 0, 16);
  b.writeUInt32BE(packets >>> 0, 20);
  b.writeUInt32BE(octets >>> 0, 24);
  return b;
}

/** Picture Loss Indication. */
export function pli(senderSsrc: number, mediaSsrc: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 0x80 | 1;
  b[1] = 206;
  b.writeUInt16BE(2, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  b.writeUInt32BE(mediaSsrc >>> 0, 8);
  return b;
}

/** Generic NACK for `seqs` of one stream (RFC 4585 6.2.1). */
export function nack(senderSsrc: number, mediaSsrc: number, seqs: readonly number[]): Buffer {
  const fcis: [number, number][] = [];
  for (const seq of [...seqs].sort((a, b) => a - b)) {
    const last = fcis[fcis.length - 1];
    const distance = last ? (seq - last[0]) & 0xffff : 0;
    if (last && distance >= 1 && distance <= 16) last[1] |= 1 << (distance - 1);
    else fcis.push([seq, 0]);
  }
  const b = Buffer.alloc(12 + 4 * fcis.length);
  b[0] = 0x80 | 1;
  b[1] = 205;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  b.writeUInt32BE(mediaSsrc >>> 0, 8);
  fcis.forEach(([pid, blp], i) => {
    b.writeUInt16BE(pid, 12 + 4 * i);
    b.writeUInt16BE(blp, 14 + 4 * i);
  });
  return b;
}

/** One report block of a receiver report. */
export interface ReportBlock {
  ssrc: number;
  /** Fraction of packets lost since the last report, 0–1. */
  fractionLost: number;
  cumulativeLost: number;
  extendedHighestSeq: number;
  jitter: number;
  /** Middle 32 bits of the last sender report's NTP time, and the delay since it (1/65536 s). */
  lastSr: number;
  delaySinceLastSr: number;
}

/** A receiver report (up to 31 blocks). */
export function receiverReport(senderSsrc: number, blocks: readonly ReportBlock[]): Buffer {
  const list = blocks.slice(0, 31);
  const b = Buffer.alloc(8 + 24 * list.length);
  b[0] = 0x80 | list.length;
  b[1] = 201;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  list.forEach((block, i) => {
    const o = 8 + 24 * i;
    b.writeUInt32BE(block.ssrc >>> 0, o);
    b[o + 4] = Math.max(0, Math.min(255, Math.floor(block.fractionLost * 256)));
    const lost = Math.max(-0x800000, Math.min(0x7fffff, block.cumulativeLost));
    b.writeIntBE(lost, o + 5, 3);
    b.writeUInt32BE(block.extendedHighestSeq >>> 0, o + 8);
    b.writeUInt32BE(block.jitter >>> 0, o + 12);
    b.writeUInt32BE(block.lastSr >>> 0, o + 16);
    b.writeUInt32BE(block.delaySinceLastSr >>> 0, o + 20);
  });
  return b;
}

/** Receiver Estimated Maximum Bitrate for `ssrcs`. */
export function remb(senderSsrc: number, bitrate: number, ssrcs: readonly number[]): Buffer {
  const list = ssrcs.slice(0, 255);
  const b = Buffer.alloc(20 + 4 * list.length);
  b[0] = 0x80 | 15;
  b[1] = 206;
  b.writeUInt16BE(b.length / 4 - 1, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  b.writeUInt32BE(0, 8);
  b.write('REMB', 12, 'latin1');
  let exp = 0;
  let mantissa = Math.max(0, Math.round(bitrate));
  while (mantissa > 0x3ffff) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  b[16] = list.length;
  b[17] = (exp << 2) | (mantissa >> 16);
  b.writeUInt16BE(mantissa & 0xffff, 18);
  list.forEach((ssrc, i) => b.writeUInt32BE(ssrc >>> 0, 20 + 4 * i));
  return b;
}
