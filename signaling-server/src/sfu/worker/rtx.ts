/**
 * RTX (RFC 4588): a retransmission travels on a stream of its own (its own SSRC, payload type and
 * sequence numbers, the original's timestamp and marker); its payload is the original sequence
 * number (2 bytes) followed by the original payload. A receiver can then count the media stream's
 * loss and the retransmissions apart, and a browser also sends its bandwidth probes on it as
 * padding-only packets, which carry no original at all. Pure, so that it is tested on its own.
 */
import { type RtpView } from './rtp.js';

/** The header fields of the RTX stream a retransmission goes on. */
export interface RtxStream {
  payloadType: number;
  seq: number;
  ssrc: number;
}

/** The original sequence number an RTX packet carries, or null if it carries no original (padding only, or too short). */
export function rtxOriginalSeq(packet: Buffer, rtp: RtpView): number | null {
  // The sequence number and at least one byte of payload: less is a probe or malformed.
  if (rtp.payloadEnd - rtp.payloadOffset <= 2) return null;
  return packet.readUInt16BE(rtp.payloadOffset);
}

/**
 * The original packet inside an RTX packet, as the publisher first sent it to the SFU: its
 * sequence number, the media's `payloadType` and `ssrc`, the RTX packet's timestamp and marker,
 * without extensions or padding (what the SFU forwards reads none). Null if it carries no original.
 */
export function unwrapRtx(packet: Buffer, rtp: RtpView, payloadType: number, ssrc: number): Buffer | null {
  const originalSeq = rtxOriginalSeq(packet, rtp);
  if (originalSeq === null) return null;
  const from = rtp.payloadOffset + 2;
  const out = Buffer.allocUnsafe(12 + rtp.payloadEnd - from);
  out[0] = 0x80; // V=2, no padding, no extension, no CSRC
  out[1] = (rtp.marker ? 0x80 : 0) | (payloadType & 0x7f);
  out.writeUInt16BE(originalSeq, 2);
  out.writeUInt32BE(rtp.timestamp >>> 0, 4);
  out.writeUInt32BE(ssrc >>> 0, 8);
  packet.copy(out, 12, from, rtp.payloadEnd);
  return out;
}

/**
 * `original` (a packet as the SFU sent it; `rtp` its parse) as an RTX packet of `rtx`: its payload
 * without padding after `originalSeq`, at `timestamp` (both as the receiver saw the original: the
 * SFU writes them per subscriber, so they are passed in, not read from the packet).
 */
export function wrapRtx(original: Buffer, rtp: RtpView, originalSeq: number, timestamp: number, rtx: RtxStream): Buffer {
  const out = Buffer.allocUnsafe(14 + rtp.payloadEnd - rtp.payloadOffset);
  out[0] = 0x80;
  out[1] = (rtp.marker ? 0x80 : 0) | (rtx.payloadType & 0x7f);
  out.writeUInt16BE(rtx.seq & 0xffff, 2);
  out.writeUInt32BE(timestamp >>> 0, 4);
  out.writeUInt32BE(rtx.ssrc >>> 0, 8);
  out.writeUInt16BE(originalSeq & 0xffff, 12);
  original.copy(out, 14, rtp.payloadOffset, rtp.payloadEnd);
  return out;
}
