/**
 * What a subscriber's video line keeps of what it sent, to answer the subscriber's NACKs: the last
 * `CAPACITY` packets by sequence number. A packet is resent as RTX on the line's RTX stream (its
 * own sequence numbers) when the subscriber's answer kept RTX, else as it was first sent.
 *
 * The packets kept are the very buffers forwarded: one per publisher's packet, shared by every
 * subscriber of that layer, whose header the SFU writes anew for each (`stampPacket`). So the
 * sequence number and timestamp this line gave each are kept beside it, and only the payload and
 * the marker are read from the buffer, which nothing changes after it is made.
 */
import { parseRtp, stampPacket } from './rtp.js';
import { wrapRtx } from './rtx.js';

/** A power of two (slots by sequence number): about 1.5 s of a 720p layer, far more than a NACK's round trip. */
const CAPACITY = 256;
const MASK = CAPACITY - 1;
/**
 * A packet is resent at most this often: a subscriber's NACKs cost it a few bytes each and the SFU
 * a packet each, so a flood of them (or a NACK naming every packet kept, again and again) is held
 * to one copy per packet per interval. A browser asks again only after a round trip, longer than
 * this on any real link.
 */
export const RESEND_INTERVAL_MS = 10;

export class Retransmitter {
  private readonly packets: (Buffer | undefined)[] = new Array<Buffer | undefined>(CAPACITY);
  private readonly seqs = new Int32Array(CAPACITY).fill(-1);
  private readonly timestamps = new Uint32Array(CAPACITY);
  private readonly resentAt = new Float64Array(CAPACITY).fill(-Infinity);
  private rtxSeq = Math.floor(Math.random() * 0x10000);
  /** Packets resent, and bytes (RTP headers included). */
  resent = 0;
  resentBytes = 0;

  constructor(
    /** The line's media SSRC, and its RTX stream's SSRC and payload type. */
    readonly ssrc: number,
    readonly rtxSsrc: number,
    readonly rtxPayloadType: number,
  ) {}

  /** A packet was sent on the line (its header holds this line's sequence number and timestamp now). */
  remember(packet: Buffer): void {
    const seq = packet.readUInt16BE(2);
    const slot = seq & MASK;
    this.packets[slot] = packet;
    this.seqs[slot] = seq;
    this.timestamps[slot] = packet.readUInt32BE(4);
    this.resentAt[slot] = -Infinity;
  }

  /**
   * The packets to send for a NACK of `seqs` at `now` (performance.now()): those still kept and
   * not resent in the last RESEND_INTERVAL_MS, as RTX if `rtx`.
   */
  resend(seqs: readonly number[], rtx: boolean, now: number): Buffer[] {
    const out: Buffer[] = [];
    for (const seq of new Set(seqs)) {
      const slot = seq & MASK;
      const packet = this.packets[slot];
      if (!packet || this.seqs[slot] !== seq || now - this.resentAt[slot]! < RESEND_INTERVAL_MS) continue;
      this.resentAt[slot] = now;
      const timestamp = this.timestamps[slot]!;
      let again: Buffer;
      if (rtx) {
        const rtp = parseRtp(packet);
        if (!rtp) continue;
        again = wrapRtx(packet, rtp, seq, timestamp, { payloadType: this.rtxPayloadType, seq: this.rtxSeq, ssrc: this.rtxSsrc });
        this.rtxSeq = (this.rtxSeq + 1) & 0xffff;
      } else {
        again = Buffer.from(packet);
        stampPacket(again, seq, timestamp, this.ssrc);
      }
      this.resent++;
      this.resentBytes += again.length;
      out.push(again);
    }
    return out;
  }
}
