import { PeerConnection, type RtcConfig, type Track } from 'node-datachannel';
import { type MediaSlot } from '../../protocol/sfu.js';
import { gathered, randomSsrc, sendOn } from './connection.js';
import { layerOfRid } from './layers.js';
import { BitrateEstimate, ReceiveStats } from './receive-stats.js';
import { nack, parseRtcp, pli, receiverReport, remb, type ReportBlock } from './rtcp.js';
import { type RtpView, isRtcp, parseRtp, readAudioLoudness, readTextExtension } from './rtp.js';
import { unwrapRtx } from './rtx.js';
import { type PublishOffer, publishAnswer } from './sdp.js';
import { type Counters, type Source } from './sources.js';

/** Receiver reports and the bitrate the publisher may use, this often. */
const REPORT_MS = 1000;
/** A gap is asked for (NACK) after this long, in case the packet only came out of order. */
const NACK_DELAY_MS = 5;
const NACK_RETRY_MS = 40;

/** What a publisher's connection needs of its meeting. */
export interface PublisherHost {
  readonly counters: Counters;
  /** The meeting's source for one of this member's slots. */
  source(slot: MediaSlot): Source | undefined;
  /** Whether this member's audio of `slot` is forwarded now (not muted, among the loudest). */
  audible(slot: MediaSlot): boolean;
  /** The microphone's level (0 silence – 127 loudest). */
  hear(loudness: number, now: number): void;
  /** The connection failed or closed on its own. */
  lost(): void;
}

interface Stream {
  slot: MediaSlot;
  video: boolean;
  layer: number;
  payloadType: number;
  stats: ReceiveStats;
}

/**
 * A member's publishing connection: it answers their offers (the first and renegotiations),
 * receives every packet on the one track libdatachannel is shown (see sdp.ts), tells the streams
 * apart (announced SSRCs, the mid and rid header extensions) and hands them to the meeting's
 * sources. It sends the publisher receiver reports, REMB, NACKs for gaps and key frame requests.
 *
 * A video's retransmissions come as RTX (`rtx.ts`) on an SSRC of their own, which an offer's FID
 * group ties to its media SSRC or, for simulcast, the mid and repaired rid extensions to a layer:
 * each is unwrapped and taken as the original packet (a late one, filling the gap the SFU asked
 * for; one already here is dropped as a copy). The browser's bandwidth probes come there too, as
 * padding alone: they go no further.
 */
export class Publisher {
  private readonly pc: PeerConnection;
  private track: Track | null = null;
  private offer: PublishOffer | null = null;
  private slots = new Map<string, MediaSlot>();
  private readonly streams = new Map<number, Stream>();
  /** RTX SSRC -> the stream it repairs (learnt from its first packet). */
  private readonly rtxStreams = new Map<number, Stream>();
  /** The RTX payload types answered (the offer's, for its VP8). */
  private rtxPayloadTypes = new Set<number>();
  private readonly ssrc = randomSsrc();
  private readonly estimate = new BitrateEstimate();
  private readonly reportTimer: NodeJS.Timeout;
  private nackTimer: NodeJS.Timeout | null = null;
  private lastReportAt = performance.now();
  private lastVideoBytes = 0;
  private version = 0;
  private closed = false;

  constructor(
    name: string,
    config: RtcConfig,
    private readonly host: PublisherHost,
  ) {
    this.pc = new PeerConnection(name, config);
    this.pc.onTrack((track) => {
      if (this.closed) return;
      this.track = track;
      track.onMessage((message) => {
        if (this.closed) return;
        if (isRtcp(message)) this.onRtcp(message);
        else this.onRtp(message);
      });
    });
    this.pc.onStateChange((state) => {
      if (!this.closed && (state === 'failed' || state === 'closed')) this.host.lost();
    });
    this.reportTimer = setInterval(() => this.report(), REPORT_MS);
  }

  /** The ICE username of the offer the connection runs on (another one means a new connection). */
  get iceUfrag(): string | null {
    return this.offer?.iceUfrag ?? null;
  }

  /** Applies an offer (the first one, or a renegotiation): resolves with the answer to send. */
  async negotiate(offer: PublishOffer, slots: ReadonlyMap<string, MediaSlot>): Promise<string> {
    const first = this.offer === null;
    if (this.offer && this.offer.anchorMid !== offer.anchorMid) throw new Error('a renegotiation must keep the first m-line');
    // A mid now carrying another slot: learn every stream again.
    for (const [mid, slot] of this.slots) if (slots.get(mid) !== slot) this.streams.clear();
    this.rtxStreams.clear();
    this.offer = offer;
    this.slots = new Map(slots);
    this.rtxPayloadTypes = new Set(offer.media.flatMap((m) => (slots.has(m.mid) && m.rtxPayloadType !== null ? [m.rtxPayloadType] : [])));
    this.pc.setRemoteDescription(offer.forStack, 'offer');
    const stackAnswer = first ? await gathered(this.pc) : (this.pc.localDescription()?.sdp ?? '');
    if (this.closed) throw new Error('the connection closed');
    return publishAnswer(offer, stackAnswer, [...slots.keys()], ++this.version);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.reportTimer);
    if (this.nackTimer) clearTimeout(this.nackTimer);
    this.streams.clear();
    this.rtxStreams.clear();
    this.track = null;
    this.pc.close();
  }

  private onRtp(packet: Buffer): void {
    const rtp = parseRtp(packet);
    if (rtp === null) return;
    this.host.counters.rtpIn++;
    if (this.rtxPayloadTypes.has(rtp.payloadType)) {
      this.onRtx(packet, rtp);
      return;
    }
    const stream = this.streams.get(rtp.ssrc) ?? this.place(packet, rtp);
    if (!stream || rtp.payloadType !== stream.payloadType) return;
    this.receive(stream, packet, rtp, performance.now());
  }

  /** An RTX packet: the original inside goes on as if it had come itself; a probe or a packet of no known stream is dropped. */
  private onRtx(packet: Buffer, rtp: RtpView): void {
    let stream = this.rtxStreams.get(rtp.ssrc);
    // The stream it repaired was replaced (the layer's SSRC changed): learn it again.
    if (stream && this.streams.get(stream.stats.ssrc) !== stream) {
      this.rtxStreams.delete(rtp.ssrc);
      stream = undefined;
    }
    stream ??= this.placeRtx(packet, rtp) ?? undefined;
    if (!stream) return;
    const original = unwrapRtx(packet, rtp, stream.payloadType, stream.stats.ssrc);
    const originalRtp = original && parseRtp(original);
    if (!original || !originalRtp) return; // padding only (a bandwidth probe), or too short
    this.receive(stream, original, originalRtp, performance.now());
  }

  /** Which stream an RTX SSRC not seen before repairs: by the offer's FID group, else by its mid and repaired rid. */
  private placeRtx(packet: Buffer, rtp: RtpView): Stream | null {
    const offer = this.offer;
    if (!offer) return null;
    let stream: Stream | undefined;
    const announced = offer.media.find((m) => m.rtxSsrcs.has(rtp.ssrc));
    if (announced) {
      stream = announced.rtxPayloadType === rtp.payloadType ? this.streams.get(announced.rtxSsrcs.get(rtp.ssrc)!) : undefined;
    } else {
      const media = offer.media.find((m) => m.mid === readTextExtension(packet, rtp, offer.extensions.mid));
      const slot = media && this.slots.get(media.mid);
      const source = slot && this.host.source(slot);
      if (!media || !slot || source?.kind !== 'video' || media.rtxPayloadType !== rtp.payloadType) return null;
      let layer = 0;
      if (media.rids.length > 1) {
        const rid = readTextExtension(packet, rtp, offer.extensions.repairedRid);
        layer = rid === null ? -1 : layerOfRid(rid, media.rids);
      }
      const ssrc = source.layers[layer]?.ssrc;
      stream = ssrc === null || ssrc === undefined ? undefined : this.streams.get(ssrc);
      if (stream?.slot !== slot) stream = undefined;
    }
    // Not learnt while its media stream is unknown: nothing of it was asked for yet.
    if (!stream?.video) return null;
    this.rtxStreams.set(rtp.ssrc, stream);
    return stream;
  }

  /** A media packet of `stream` (as it came, or unwrapped from RTX). */
  private receive(stream: Stream, packet: Buffer, rtp: RtpView, now: number): void {
    if (!stream.stats.packet(rtp.seq, packet.length, now)) return; // a copy of one already here
    const source = this.host.source(stream.slot);
    if (!source) return;
    if (source.kind === 'video') {
      if (stream.stats.hasMissing) this.scheduleNacks(NACK_DELAY_MS);
      source.forward(stream.layer, packet, rtp, now);
    } else {
      if (stream.slot === 'audio') {
        const loudness = readAudioLoudness(packet, rtp, this.offer?.extensions.audioLevel ?? null);
        if (loudness !== null) this.host.hear(loudness, now);
      }
      source.forward(packet, rtp, now, this.host.audible(stream.slot));
    }
  }

  /** A packet of an SSRC not seen before: which slot (and layer) it is, from the SDP or its extensions. */
  private place(packet: Buffer, rtp: RtpView): Stream | null {
    const offer = this.offer;
    if (!offer) return null;
    const media =
      offer.media.find((m) => m.ssrcs.includes(rtp.ssrc)) ?? offer.media.find((m) => m.mid === readTextExtension(packet, rtp, offer.extensions.mid));
    const slot = media && this.slots.get(media.mid);
    if (!media || !slot || media.payloadType !== rtp.payloadType) return null;
    const source = this.host.source(slot);
    if (!source) return null;
    let layer = 0;
    if (source.kind === 'video') {
      if (media.rids.length > 1) {
        const rid = readTextExtension(packet, rtp, offer.extensions.rid);
        layer = rid === null ? -1 : layerOfRid(rid, media.rids);
      }
      const info = source.layers[layer];
      if (!info) return null;
      if (info.ssrc !== null && info.ssrc !== rtp.ssrc) this.streams.delete(info.ssrc);
      info.ssrc = rtp.ssrc;
    } else {
      if (source.ssrc !== null && source.ssrc !== rtp.ssrc) this.streams.delete(source.ssrc);
      source.ssrc = rtp.ssrc;
    }
    const stream: Stream = { slot, video: source.kind === 'video', layer, payloadType: media.payloadType, stats: new ReceiveStats(rtp.ssrc) };
    this.streams.set(rtp.ssrc, stream);
    return stream;
  }

  private onRtcp(packet: Buffer): void {
    const now = performance.now();
    for (const item of parseRtcp(packet)) {
      if (item.kind !== 'sr') continue;
      const stream = this.streams.get(item.ssrc);
      if (!stream) continue;
      stream.stats.senderReport(((item.ntpSeconds & 0xffff) << 16) | (item.ntpFraction >>> 16), now);
      const source = this.host.source(stream.slot);
      if (source?.kind === 'video') source.senderReport(stream.layer, item);
      else source?.senderReport(item, this.host.audible(stream.slot));
    }
  }

  /** Asks the publisher for a key frame of the stream `ssrc`. */
  requestKeyframe(ssrc: number): boolean {
    return sendOn(this.track, pli(this.ssrc, ssrc));
  }

  private scheduleNacks(ms: number): void {
    if (this.nackTimer || this.closed) return;
    this.nackTimer = setTimeout(() => {
      this.nackTimer = null;
      const now = performance.now();
      let more = false;
      for (const [ssrc, stream] of this.streams) {
        if (!stream.video || !stream.stats.hasMissing) continue;
        const seqs = stream.stats.nacks(now);
        if (seqs.length) sendOn(this.track, nack(this.ssrc, ssrc, seqs));
        more ||= stream.stats.hasMissing;
      }
      if (more) this.scheduleNacks(NACK_RETRY_MS);
    }, ms);
  }

  /** Every second: a receiver report of every stream, and the bitrate the video may use (REMB). */
  private report(): void {
    if (!this.track?.isOpen() || this.streams.size === 0) return;
    const now = performance.now();
    const blocks: ReportBlock[] = [];
    let expected = 0;
    let lost = 0;
    let videoBytes = 0;
    const videoSsrcs: number[] = [];
    for (const [ssrc, stream] of this.streams) {
      const block = stream.stats.reportBlock(now);
      if (block) blocks.push(block);
      if (!stream.video) continue;
      videoSsrcs.push(ssrc);
      videoBytes += stream.stats.bytes;
      if (block) {
        expected += block.expectedInterval;
        lost += block.lostInterval;
      }
    }
    const seconds = Math.max(0.001, (now - this.lastReportAt) / 1000);
    const bps = (Math.max(0, videoBytes - this.lastVideoBytes) * 8) / seconds;
    this.lastReportAt = now;
    this.lastVideoBytes = videoBytes;
    const parts = [receiverReport(this.ssrc, blocks)];
    if (videoSsrcs.length) parts.push(remb(this.ssrc, this.estimate.update(expected > 0 ? lost / expected : 0, bps), videoSsrcs));
    sendOn(this.track, Buffer.concat(parts));
  }
}
