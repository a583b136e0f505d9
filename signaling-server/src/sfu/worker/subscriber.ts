import { Audio, PeerConnection, type RtcConfig, type Track, Video } from 'node-datachannel';
import { type MediaSlot, type SfuTrack } from '../../protocol/sfu.js';
import { gathered, randomSsrc, sendOn } from './connection.js';
import { DownlinkEstimate, allocateLayers } from './downlink.js';
import { KEYFRAME_INTERVAL_MS } from './keyframes.js';
import { type ViewSize } from './layers.js';
import { AudioOut, VideoOut } from './out-stream.js';
import { type RtcpItem, parseRtcp, senderReport } from './rtcp.js';
import { Retransmitter } from './retransmitter.js';
import { type OfferedTrack, answeredRtx, subscribeOffer } from './sdp.js';
import { AUDIO_PT, type AudioSource, RTX_PT, type Sink, type Source, type SourceKey, VIDEO_PT, type VideoSource } from './sources.js';

const VIDEO_CLOCK = 90_000;
const CNAME = 'roundtable-sfu';

/** What a subscriber's connection needs of its meeting. */
export interface SubscriberHost {
  /** The next offer revision for this member (it keeps growing across their connections). */
  nextRevision(): number;
  offer(offer: { sdp: string; revision: number; fresh: boolean; tracks: SfuTrack[] }): void;
  log(level: 'info' | 'warn', message: string): void;
}

/** One m-line of the subscriber's connection: a send-only track, and what it carries now. */
abstract class Line {
  /** What it carries (null: nothing), and since which offer revision. */
  key: SourceKey | null = null;
  assignedIn: number | null = null;
  /** The subscriber answered an offer that says what it carries. */
  active = false;
  open = false;
  private packets = 0;
  /** Payload bytes sent on it. */
  octets = 0;
  /** The highest sequence number the subscriber's last report of it said (null: none yet). */
  reportedSeq: number | null = null;

  constructor(
    readonly mid: string,
    readonly ssrc: number,
    readonly track: Track,
    /** The track RTCP is sent on (one without a media handler, so it goes out as RTCP). */
    private readonly rtcpTrack: () => Track | null,
  ) {}

  get ready(): boolean {
    return this.open && this.active && this.key !== null;
  }

  send(packet: Buffer): boolean {
    if (!sendOn(this.track, packet)) return false;
    this.packets++;
    this.octets += packet.length - 12;
    return true;
  }

  senderReport(ntpSeconds: number, ntpFraction: number, rtpTimestamp: number): void {
    sendOn(this.rtcpTrack(), senderReport(this.ssrc, ntpSeconds, ntpFraction, rtpTimestamp, this.packets, this.octets));
  }
}

class VideoLine extends Line implements Sink<VideoOut> {
  readonly kind = 'video';
  readonly out: VideoOut;
  source: VideoSource | null = null;
  /** What it sent lately, for the subscriber's NACKs. */
  readonly retransmitter: Retransmitter;
  /** The subscriber's answer kept RTX on this line: NACKs are answered as RTX. */
  rtx = false;
  constructor(mid: string, ssrc: number, rtxSsrc: number, track: Track, rtcpTrack: () => Track | null) {
    super(mid, ssrc, track, rtcpTrack);
    this.out = new VideoOut(ssrc);
    this.retransmitter = new Retransmitter(ssrc, rtxSsrc, RTX_PT);
  }

  override send(packet: Buffer): boolean {
    if (!super.send(packet)) return false;
    this.retransmitter.remember(packet);
    return true;
  }

  /** Answers the subscriber's NACK of `seqs` (sequence numbers of this line) with what is still kept. */
  nacked(seqs: readonly number[]): void {
    if (!this.open) return;
    for (const packet of this.retransmitter.resend(seqs, this.rtx, performance.now())) sendOn(this.track, packet);
  }
}

class AudioLine extends Line implements Sink<AudioOut> {
  readonly kind = 'audio';
  readonly out: AudioOut;
  source: AudioSource | null = null;
  constructor(mid: string, ssrc: number, track: Track, rtcpTrack: () => Track | null) {
    super(mid, ssrc, track, rtcpTrack);
    this.out = new AudioOut(ssrc);
  }
}

type AnyLine = VideoLine | AudioLine;

/**
 * A member's receiving connection: one send-only m-line per forwarded (publisher, slot). The SFU
 * offers; whenever what it forwards changes, a line that carries nothing any more is reused for
 * something else of its kind (else a line is added) and a new revision is offered. A line starts
 * carrying its new media once the answer to that revision is in, and a camera or screen from its
 * next key frame, at the layer that covers the member's view of it.
 */
export class Subscriber {
  private readonly pc: PeerConnection;
  private readonly lines: AnyLine[] = [];
  private nextMid = 0;
  /** The revision offered and not answered yet, if any; a change meanwhile waits for the answer. */
  private awaiting: number | null = null;
  private dirty = false;
  private offered = false;
  /** The last offer made, for `resend`. */
  private lastOffer: { sdp: string; revision: number; fresh: boolean; tracks: SfuTrack[] } | null = null;
  private closed = false;
  /** What the subscriber's downlink carries, from its reports. */
  private readonly downlink = new DownlinkEstimate();

  constructor(
    name: string,
    config: RtcConfig,
    private readonly host: SubscriberHost,
    /** How big the member shows each camera and screen (the meeting's live map). */
    private readonly views: ReadonlyMap<SourceKey, ViewSize>,
  ) {
    this.pc = new PeerConnection(name, { ...config, disableAutoNegotiation: true });
  }

  /**
   * Forward `wanted` (everyone else's sources). Lines carrying what is no longer wanted are freed,
   * new sources take free lines of their kind or new ones, and a change is offered.
   */
  sync(wanted: ReadonlyMap<SourceKey, Source>, now: number): void {
    if (this.closed) return;
    let changed = false;
    for (const line of this.lines) {
      if (line.key === null) continue;
      const source = wanted.get(line.key);
      const current = line.source;
      if (source && source === current) continue;
      this.detach(line);
      if (source && source.kind === line.kind) {
        // The same person and slot with a new source object: no news for the subscriber.
        this.attach(line, source, now);
        if (line.active) this.activate(line, now);
      } else {
        line.key = null;
        line.assignedIn = null;
        line.active = false;
        changed = true;
      }
    }
    const carried = new Set(this.lines.map((l) => l.key));
    for (const [key, source] of wanted) {
      if (carried.has(key)) continue;
      const line = this.lines.find((l) => l.key === null && l.kind === source.kind) ?? this.addLine(source.kind);
      line.key = key;
      line.assignedIn = null;
      line.active = false;
      this.attach(line, source, now);
      changed = true;
    }
    // The first offer always has an audio and a video line, so the connection comes up at once.
    if (!this.offered) {
      if (!this.lines.some((l) => l.kind === 'audio')) this.addLine('audio');
      if (!this.lines.some((l) => l.kind === 'video')) this.addLine('video');
      changed = true;
    }
    if (changed) this.negotiate();
  }

  /** The member's answer to offer `revision` (an answer to an older one is ignored). */
  answer(sdp: string, revision: number, now: number): void {
    if (this.closed) return;
    if (revision !== this.awaiting) {
      this.host.log('info', `an answer to revision ${revision} ignored (waiting for ${this.awaiting ?? 'none'})`);
      return;
    }
    this.pc.setRemoteDescription(sdp, 'answer');
    this.awaiting = null;
    const rtx = answeredRtx(sdp, VIDEO_PT, RTX_PT);
    for (const line of this.lines) if (line.kind === 'video') line.rtx = rtx.has(line.mid);
    for (const line of this.lines) {
      if (line.key !== null && line.assignedIn !== null && line.assignedIn <= revision && !line.active) {
        line.active = true;
        this.activate(line, now);
      }
    }
    if (this.dirty) {
      this.dirty = false;
      this.negotiate();
    }
  }

  /**
   * Re-chooses every video's layer (views changed, layers came or went, the downlink's estimate
   * moved) and asks again for key frames not yet come.
   */
  evaluate(now: number): void {
    this.downlink.update(this.sent(), now);
    this.allocate(now);
    for (const line of this.lines) {
      if (line.kind !== 'video' || !line.ready || !line.source) continue;
      const pending = line.out.pending;
      if (pending !== null && now - line.out.pendingSince >= KEYFRAME_INTERVAL_MS) line.source.keyframes.ask(pending);
    }
  }

  /** A source of a line starts anew (its publisher's new connection): wait for its next key frame. */
  restartSource(key: SourceKey, now: number): void {
    for (const line of this.lines) {
      if (line.key !== key || line.kind !== 'video') continue;
      line.out.restart(null, now);
    }
    this.allocate(now);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const line of this.lines) this.detach(line);
    this.lines.length = 0;
    this.pc.close();
  }

  /** Gives each video shown the layer its view asks for, as far as the downlink allows (`downlink.ts`). */
  private allocate(now: number): void {
    const videos = this.lines.flatMap((line) =>
      line.kind === 'video' && line.ready && line.source && line.key !== null ? [{ line, source: line.source, key: line.key }] : [],
    );
    const demands = videos.map(({ line, source, key }) => ({
      view: this.views.get(key),
      layers: source.layerStates(now),
      current: line.out.pending ?? line.out.layer,
    }));
    const layers = allocateLayers(demands, this.downlink.videoBudget);
    videos.forEach(({ line, source }, i) => {
      const layer = layers[i] ?? null;
      if (line.out.want(layer, now) && layer !== null) source.keyframes.ask(layer);
    });
  }

  /** Bytes sent to the subscriber so far, video and sound. */
  private sent(): { video: number; audio: number } {
    const sent = { video: 0, audio: 0 };
    for (const line of this.lines) sent[line.kind] += line.octets + (line.kind === 'video' ? line.retransmitter.resentBytes : 0);
    return sent;
  }

  /** What the subscriber reports of a line: the loss it saw (its receiver reports). */
  private onReport(line: AnyLine, items: readonly RtcpItem[]): void {
    for (const item of items) {
      if (item.kind !== 'report' || item.ssrc !== line.ssrc) continue;
      const expected = line.reportedSeq === null ? 0 : (item.extendedHighestSeq - line.reportedSeq) >>> 0;
      line.reportedSeq = item.extendedHighestSeq;
      if (expected > 0 && expected < 0x8000) this.downlink.report(item.fractionLost, expected);
    }
  }

  private activate(line: AnyLine, now: number): void {
    line.open = line.track.isOpen();
    if (line.kind === 'video' && line.ready) this.allocate(now);
  }

  private attach(line: AnyLine, source: Source, now: number): void {
    if (line.kind === 'video' && source.kind === 'video') {
      line.source = source;
      source.sinks.add(line);
      line.out.restart(null, now);
    } else if (line.kind === 'audio' && source.kind === 'audio') {
      line.source = source;
      source.sinks.add(line);
    }
  }

  private detach(line: AnyLine): void {
    if (line.kind === 'video') line.source?.sinks.delete(line);
    else line.source?.sinks.delete(line);
    line.source = null;
    if (line.kind === 'video') line.out.want(null, 0);
  }

  private addLine(kind: 'audio' | 'video'): AnyLine {
    const mid = String(this.nextMid++);
    const taken = (s: number): boolean => this.lines.some((l) => l.ssrc === s || (l.kind === 'video' && l.retransmitter.rtxSsrc === s));
    const ssrc = randomSsrc(taken);
    let line: AnyLine;
    if (kind === 'video') {
      // RTX on an SSRC of its own, tied to the media's by a FID group; NACKs are answered by the line.
      const rtxSsrc = randomSsrc((s) => s === ssrc || taken(s));
      const media = new Video(mid, 'SendOnly');
      media.addVP8Codec(VIDEO_PT);
      media.addRTXCodec(RTX_PT, VIDEO_PT, VIDEO_CLOCK);
      media.addSSRC(ssrc, CNAME, `sfu-${mid}`, `video-${mid}`);
      media.addSSRC(rtxSsrc, CNAME, `sfu-${mid}`, `video-${mid}`);
      media.parseSdpLine(`a=ssrc-group:FID ${ssrc} ${rtxSsrc}`);
      line = new VideoLine(mid, ssrc, rtxSsrc, this.pc.addTrack(media), this.rtcpTrack);
    } else {
      const media = new Audio(mid, 'SendOnly');
      media.addOpusCodec(AUDIO_PT);
      media.addSSRC(ssrc, CNAME, `sfu-${mid}`, `audio-${mid}`);
      line = new AudioLine(mid, ssrc, this.pc.addTrack(media), this.rtcpTrack);
    }
    const added = line;
    added.track.onOpen(() => {
      added.open = true;
      if (added.kind === 'video' && added.ready) this.allocate(performance.now());
    });
    added.track.onClosed(() => {
      added.open = false;
    });
    added.track.onMessage((message) => {
      if (this.closed) return;
      const items = parseRtcp(message);
      this.onReport(added, items);
      if (added.kind !== 'video') return;
      for (const item of items) {
        // A compound packet reaches every track it names: act only on what is about this one.
        if (item.kind === 'nack' && item.mediaSsrc === added.ssrc) added.nacked(item.seqs);
        if (item.kind !== 'keyframe' || item.mediaSsrc !== added.ssrc || !added.source) continue;
        const layer = added.out.pending ?? added.out.layer;
        if (layer !== null) added.source.keyframes.ask(layer);
      }
    });
    this.lines.push(line);
    return line;
  }

  /**
   * Sender reports go out on the first audio line: it has no media handler, so what is written on
   * it leaves as RTCP (SRTCP is the connection's, whichever track sends it; the SSRC says whose).
   */
  private readonly rtcpTrack = (): Track | null => this.lines.find((l) => l.kind === 'audio' && l.open)?.track ?? null;

  private negotiate(): void {
    if (this.awaiting !== null) {
      this.dirty = true;
      return;
    }
    void this.makeOffer().catch((error: unknown) =>
      this.host.log('warn', `could not make an offer: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  private async makeOffer(): Promise<void> {
    const revision = this.host.nextRevision();
    const fresh = !this.offered;
    this.offered = true;
    this.awaiting = revision;
    for (const line of this.lines) if (line.key !== null && line.assignedIn === null) line.assignedIn = revision;
    this.pc.setLocalDescription('offer');
    const stackOffer = fresh ? await gathered(this.pc) : (this.pc.localDescription()?.sdp ?? '');
    if (this.closed) return;
    const offered: OfferedTrack[] = this.lines.map((line) => ({ mid: line.mid, ssrc: line.ssrc, carries: carried(line) }));
    const tracks = offered.flatMap((t) => (t.carries ? [{ mid: t.mid, from: t.carries.from, slot: t.carries.slot }] : []));
    this.lastOffer = { sdp: subscribeOffer(stackOffer, revision, offered), revision, fresh, tracks };
    this.host.offer(this.lastOffer);
  }

  /**
   * The member's signaling dropped and came back with this connection still up: the offer it has
   * not answered (lost on the way, or its answer was) goes again, the same revision. Nothing if
   * every offer was answered.
   */
  resend(): void {
    if (this.closed || this.awaiting === null || this.lastOffer?.revision !== this.awaiting) return;
    this.host.offer(this.lastOffer);
  }
}

function carried(line: AnyLine): { from: string; slot: MediaSlot } | null {
  if (line.key === null || !line.source) return null;
  return { from: line.source.member, slot: line.source.slot };
}
