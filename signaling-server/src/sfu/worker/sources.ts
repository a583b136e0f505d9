import { type MediaSlot } from '../../protocol/sfu.js';
import { KeyframeThrottle } from './keyframes.js';
import { LayerDemand } from './layer-demand.js';
import { LAYER_COUNT, type LayerState } from './layers.js';
import { type AudioOut, type VideoOut } from './out-stream.js';
import { type RtpView, isVp8KeyframeStart, stampPacket, strippedPacket, vp8KeyframeSize } from './rtp.js';

/** The payload types of the SFU's own offers to subscribers. */
export const VIDEO_PT = 96;
/** RTX for VIDEO_PT (RFC 4588: apt=96), the retransmissions of video lines. */
export const RTX_PT = 97;
export const AUDIO_PT = 111;
/** A layer with no packet for this long is taken as not sent (the publisher paused it). */
const LIVE_MS = 1500;
/** How long a layer's bitrate is counted over (each window weighs half in the figure). */
const RATE_WINDOW_MS = 500;

/** Bits per second of a stream, over windows of RATE_WINDOW_MS, smoothed. */
class RateMeter {
  private bytes = 0;
  private windowStart: number | null = null;
  bitrate: number | null = null;

  count(bytes: number, now: number): void {
    this.windowStart ??= now;
    this.bytes += bytes;
    const elapsed = now - this.windowStart;
    if (elapsed < RATE_WINDOW_MS) return;
    const rate = (this.bytes * 8000) / elapsed;
    this.bitrate = this.bitrate === null ? rate : (this.bitrate + rate) / 2;
    this.bytes = 0;
    this.windowStart = now;
  }
}

/** Counters shared by everything in the process (SfuStats). */
export interface Counters {
  rtpIn: number;
  rtpOut: number;
  keyframeRequests: number;
  layerSwitches: number;
}

/** One m-line of a subscriber's connection, as a source sees it. */
export interface Sink<Out> {
  readonly out: Out;
  /** It may be sent to (its track is open and the subscriber knows what it carries). */
  readonly ready: boolean;
  send(packet: Buffer): boolean;
  /** Sends the subscriber a sender report for this line: the publisher's NTP time and the line's own timestamp of it. */
  senderReport(ntpSeconds: number, ntpFraction: number, rtpTimestamp: number): void;
}

/** A publisher's sender report for one of its streams. */
export interface SenderReport {
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
}

export type SourceKey = `${string}/${MediaSlot}`;
export const sourceKey = (member: string, slot: MediaSlot): SourceKey => `${member}/${slot}`;

/** A publisher's camera or screen: up to three simulcast layers, forwarded to its sinks. */
export class VideoSource {
  readonly kind = 'video';
  readonly sinks = new Set<Sink<VideoOut>>();
  /** Per layer: the publisher's SSRC for it (null until a packet of it came), size, last packet. */
  readonly layers = Array.from({ length: LAYER_COUNT }, () => ({
    ssrc: null as number | null,
    width: null as number | null,
    height: null as number | null,
    lastPacketAt: -Infinity,
    rate: new RateMeter(),
  }));
  readonly keyframes: KeyframeThrottle;
  /** Which layers anyone is shown, for the publisher to pause the others. */
  readonly demand = new LayerDemand();
  /** Sends a key frame request for a layer's SSRC to the publisher; false if it cannot. */
  requestKeyframe: (ssrc: number) => boolean = () => false;

  constructor(
    readonly member: string,
    readonly slot: 'video' | 'screen',
    private readonly counters: Counters,
  ) {
    this.keyframes = new KeyframeThrottle((layer) => {
      const ssrc = this.layers[layer]?.ssrc;
      if (ssrc === null || ssrc === undefined || !this.requestKeyframe(ssrc)) return false;
      this.counters.keyframeRequests++;
      return true;
    });
  }

  /** A new connection of the publisher: its SSRCs are learnt again. */
  reset(): void {
    this.demand.reset();
    for (const layer of this.layers) {
      layer.ssrc = null;
      layer.lastPacketAt = -Infinity;
      layer.rate = new RateMeter();
    }
  }

  layerStates(now: number): LayerState[] {
    return this.layers.map((l, i) => {
      // A layer the publisher was told to pause is not waited for, though its last packets are recent.
      const live = now - l.lastPacketAt < LIVE_MS && !this.demand.paused(i);
      return { width: l.width, height: l.height, live, bitrate: live ? l.rate.bitrate : null };
    });
  }

  forward(layer: number, packet: Buffer, rtp: RtpView, now: number): void {
    const info = this.layers[layer];
    if (!info) return;
    info.lastPacketAt = now;
    info.rate.count(packet.length, now);
    let keyframe: boolean | null = null;
    const keyframeStart = (): boolean => (keyframe ??= isVp8KeyframeStart(packet, rtp));
    // The first packet of a frame (S bit, partition 0) may start a key frame that gives the size.
    if (rtp.payloadEnd > rtp.payloadOffset && (packet[rtp.payloadOffset]! & 0x17) === 0x10 && keyframeStart()) {
      const size = vp8KeyframeSize(packet, rtp);
      if (size) {
        info.width = size.width;
        info.height = size.height;
      }
    }
    let out: Buffer | null = null;
    for (const sink of this.sinks) {
      if (!sink.ready) continue;
      const before = sink.out.switches;
      if (!sink.out.map(layer, rtp.seq, rtp.timestamp, keyframeStart, now)) continue;
      if (sink.out.switches !== before) this.counters.layerSwitches++;
      out ??= strippedPacket(packet, rtp, VIDEO_PT);
      stampPacket(out, sink.out.seq, sink.out.timestamp, sink.out.ssrc);
      if (sink.send(out)) this.counters.rtpOut++;
    }
  }

  /** Passes a layer's sender report on to the subscribers who get that layer (so they can sync it with the sound). */
  senderReport(layer: number, report: SenderReport): void {
    for (const sink of this.sinks) {
      if (!sink.ready) continue;
      const timestamp = sink.out.translate(layer, report.rtpTimestamp);
      if (timestamp !== null) sink.senderReport(report.ntpSeconds, report.ntpFraction, timestamp);
    }
  }

  close(): void {
    this.keyframes.close();
    this.sinks.clear();
  }
}

/** A publisher's microphone or screen sound, forwarded to its sinks unless held back. */
export class AudioSource {
  readonly kind = 'audio';
  readonly sinks = new Set<Sink<AudioOut>>();
  ssrc: number | null = null;
  /** Changes with each connection of the publisher (its numbering starts anew). */
  private epoch = {};

  constructor(
    readonly member: string,
    readonly slot: 'audio' | 'screenAudio',
    private readonly counters: Counters,
  ) {}

  reset(): void {
    this.ssrc = null;
    this.epoch = {};
  }

  forward(packet: Buffer, rtp: RtpView, now: number, audible: boolean): void {
    let out: Buffer | null = null;
    for (const sink of this.sinks) {
      if (!sink.ready) continue;
      if (!audible) {
        sink.out.gap();
        continue;
      }
      sink.out.map(this.epoch, rtp.seq, rtp.timestamp, now);
      out ??= strippedPacket(packet, rtp, AUDIO_PT);
      stampPacket(out, sink.out.seq, sink.out.timestamp, sink.out.ssrc);
      if (sink.send(out)) this.counters.rtpOut++;
    }
  }

  /** Passes a sender report on to the subscribers (none while held back: a sender that sends nothing reports nothing). */
  senderReport(report: SenderReport, audible: boolean): void {
    if (!audible) return;
    for (const sink of this.sinks) {
      if (!sink.ready) continue;
      const timestamp = sink.out.translate(this.epoch, report.rtpTimestamp);
      if (timestamp !== null) sink.senderReport(report.ntpSeconds, report.ntpFraction, timestamp);
    }
  }

  close(): void {
    this.sinks.clear();
  }
}

export type Source = VideoSource | AudioSource;

export const isVideoSlot = (slot: MediaSlot): slot is 'video' | 'screen' => slot === 'video' || slot === 'screen';
