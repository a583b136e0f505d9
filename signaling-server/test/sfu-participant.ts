import { EventEmitter } from 'node:events';
import { Audio, PeerConnection, type Track, Video } from 'node-datachannel';
import { parseRtcp } from '../src/sfu/worker/rtcp.js';
import { parseRtp } from '../src/sfu/worker/rtp.js';
import { AudioSource, EXT, FPS, OPUS_PT, SimulcastSource, type TestSlot, URI, VP8_PT, type VideoShape, readTail, senderReportNow } from './sfu-media.js';

const CONFIG = { iceServers: [], bindAddress: '127.0.0.1' };

/** The connection's local description once ICE gathering is complete (its candidates in it). */
export function gathered(pc: PeerConnection): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ICE gathering did not complete')), 5000);
    const done = (): void => {
      clearTimeout(timer);
      resolve(pc.localDescription()?.sdp ?? '');
    };
    if (pc.gatheringState() === 'complete') done();
    else pc.onGatheringStateChange((state) => state === 'complete' && done());
  });
}

/**
 * The publishing offer as sent: a browser's simulcast m-line announces no SSRCs, so it loses them
 * (libdatachannel keeps them, to route the SFU's RTCP to the video track). It asks to be the DTLS
 * client (`active`): a libdatachannel server can refuse a ClientHello that comes while it is
 * still taking in the answer (see the SFU's sdp.ts); browsers have no such race.
 */
function asSent(sdp: string): string {
  let video = false;
  return sdp
    .split('\r\n')
    .filter((line) => {
      if (line.startsWith('m=')) video = line.startsWith('m=video');
      return !(video && (line.startsWith('a=ssrc:') || line.startsWith('a=msid:')));
    })
    .map((line) => (line === 'a=setup:actpass' ? 'a=setup:active' : line))
    .join('\r\n');
}

const isRtcp = (packet: Buffer): boolean => packet.length >= 8 && (packet[1]! & 0x7f) >= 64 && (packet[1]! & 0x7f) <= 95;

/** One continuous run of one layer of one publisher's slot, as a subscriber got it on one mid. */
export interface Segment {
  from: number;
  slot: TestSlot;
  layer: number;
  /** When its first packet came (performance.now()). */
  startedAt: number;
  /** Its first packet started a key frame. */
  startsWithKeyframe: boolean;
  firstCounter: number;
  lastCounter: number;
  packets: number;
  /** Counters skipped inside it (lost packets), and whether the packet after each skip started a key frame. */
  gaps: number;
  resumedWithKeyframe: boolean[];
  keyframes: number;
  firstKeyframeAt: number | null;
}

/** What arrived on one mid of the receiving connection. */
export interface MidLog {
  ssrc: number | null;
  lastSeq: number;
  /** Sequence numbers that did not follow the one before (loss or reordering as the subscriber sees it). */
  seqJumps: number;
  /** Packets older than one already here: retransmissions filling a gap (SRTP drops true repeats). */
  late: number;
  /** The timestamp of the last packet. */
  lastTimestamp: number;
  /** Sender reports for the line's SSRC, with the timestamp of the packet last received when each came. */
  senderReports: { rtpTimestamp: number; lastTimestamp: number }[];
  segments: Segment[];
}

export interface SubscribeOffer {
  sdp: string;
  revision: number;
  fresh: boolean;
  tracks: { mid: string; from: string; slot: TestSlot }[];
}

/**
 * A synthetic participant: one publishing connection (microphone, camera as q/h/f simulcast, and
 * from `share()` on a screen with its layers and sound), one receiving connection that answers the
 * SFU's offers and logs, per mid, every packet's tail. Everything runs on node-datachannel.
 * Events: 'update' (something a test may wait for changed), 'packet' (mid, bytes: each RTP packet
 * received).
 */
export class SyntheticParticipant extends EventEmitter {
  readonly audio: AudioSource;
  readonly camera: SimulcastSource;
  screen: SimulcastSource | null = null;
  screenAudio: AudioSource | null = null;
  private publisherPc: PeerConnection | null = null;
  private videoTrack: Track | null = null;
  private audioTrack: Track | null = null;
  private screenTrack: Track | null = null;
  private screenAudioTrack: Track | null = null;
  private timers: NodeJS.Timeout[] = [];
  private subscriberPc: PeerConnection | null = null;
  /** What each mid carries, per the last offer answered. */
  routes = new Map<string, { from: string; slot: TestSlot }>();
  readonly mids = new Map<string, MidLog>();
  readonly subscriberTracks = new Map<string, Track>();
  /** PLIs the SFU sent this publisher, and the sequence numbers its NACKs asked for. */
  plis = 0;
  readonly nacked: number[] = [];
  /** When the receiving connection came up (performance.now()). */
  subscriberConnectedAt: number | null = null;
  /** When the publishing connection came up. */
  publisherConnectedAt: number | null = null;
  /** When an answered offer first said a mid carries `from/slot`. */
  readonly routedAt = new Map<string, number>();
  revision = 0;

  constructor(
    readonly index: number,
    readonly id: string,
    /** The camera's packets per frame and their size (default: the tests' small ones). */
    videoShape?: VideoShape,
  ) {
    super();
    this.setMaxListeners(100);
    const base = 0x10000000 + index * 0x100;
    this.audio = new AudioSource(index, 'audio', '0', base);
    this.camera = new SimulcastSource(index, 'video', '1', base + 0x10, videoShape);
  }

  /** The publishing connection's first offer (as a browser's: simulcast without SSRCs). */
  async publishOffer(): Promise<{ sdp: string; slots: { mid: string; slot: TestSlot }[] }> {
    this.publisherPc?.close();
    const pc = new PeerConnection(`pub-${this.id}`, CONFIG);
    this.publisherPc = pc;
    pc.onStateChange((state) => {
      if (pc !== this.publisherPc) return;
      if (state === 'connected') this.publisherConnectedAt = performance.now();
      if (state === 'failed') this.emit('publisher-failed');
    });
    const audio = new Audio('0', 'SendOnly');
    audio.addOpusCodec(OPUS_PT);
    audio.addSSRC(this.audio.ssrc, this.id, this.id, 'mic');
    audio.parseSdpLine(`a=extmap:${EXT.audioLevel} ${URI.audioLevel}`);
    audio.parseSdpLine(`a=extmap:${EXT.mid} ${URI.mid}`);
    this.audioTrack = pc.addTrack(audio);
    this.videoTrack = this.addSimulcast(pc, this.camera);
    pc.setLocalDescription();
    return { sdp: asSent(await gathered(pc)), slots: this.slots() };
  }

  applyPublishAnswer(sdp: string): void {
    this.publisherPc?.setRemoteDescription(sdp, 'answer');
  }

  /** Adds the screen and its sound: the renegotiation offer. */
  shareOffer(): { sdp: string; slots: { mid: string; slot: TestSlot }[] } {
    const pc = this.publisherPc;
    if (!pc) throw new Error('not publishing');
    const base = 0x10000000 + this.index * 0x100 + 0x80;
    this.screen = new SimulcastSource(this.index, 'screen', '2', base);
    this.screenAudio = new AudioSource(this.index, 'screenAudio', '3', base + 0x10);
    this.screenTrack = this.addSimulcast(pc, this.screen);
    const audio = new Audio('3', 'SendOnly');
    audio.addOpusCodec(OPUS_PT);
    audio.addSSRC(this.screenAudio.ssrc, this.id, this.id, 'screen-sound');
    audio.parseSdpLine(`a=extmap:${EXT.audioLevel} ${URI.audioLevel}`);
    audio.parseSdpLine(`a=extmap:${EXT.mid} ${URI.mid}`);
    this.screenAudioTrack = pc.addTrack(audio);
    pc.setLocalDescription();
    return { sdp: asSent(pc.localDescription()?.sdp ?? ''), slots: this.slots() };
  }

  private slots(): { mid: string; slot: TestSlot }[] {
    return [
      { mid: '0', slot: 'audio' },
      { mid: '1', slot: 'video' },
      ...(this.screen
        ? [
            { mid: '2', slot: 'screen' as const },
            { mid: '3', slot: 'screenAudio' as const },
          ]
        : []),
    ];
  }

  private addSimulcast(pc: PeerConnection, source: SimulcastSource): Track {
    const video = new Video(source.mid, 'SendOnly');
    video.addVP8Codec(VP8_PT);
    video.parseSdpLine(`a=rtcp-fb:${VP8_PT} transport-cc`);
    video.parseSdpLine(`a=extmap:${EXT.twcc} ${URI.twcc}`);
    video.parseSdpLine(`a=extmap:${EXT.mid} ${URI.mid}`);
    video.parseSdpLine(`a=extmap:${EXT.rid} ${URI.rid}`);
    for (const layer of source.layers) video.addSSRC(layer.ssrc, this.id, this.id, `${source.slot}-${layer.ssrc}`);
    for (const rid of ['q', 'h', 'f']) video.parseSdpLine(`a=rid:${rid} send`);
    video.parseSdpLine('a=simulcast:send q;h;f');
    const track = pc.addTrack(video);
    track.onMessage((message) => {
      if (!isRtcp(message)) return;
      for (const item of parseRtcp(message)) {
        const layer = source.layerOfSsrc('mediaSsrc' in item ? item.mediaSsrc : -1);
        if (layer < 0) continue;
        if (item.kind === 'keyframe') {
          this.plis++;
          source.requestKeyframe(layer);
        } else if (item.kind === 'nack') {
          this.nacked.push(...item.seqs);
          for (const packet of source.resend(item.mediaSsrc, item.seqs)) track.sendMessageBinary(packet);
        }
      }
    });
    return track;
  }

  /** Sends 30 frames a second of every video, and 50 audio packets a second, once each track is open. */
  startSending(): void {
    const send = (track: Track | null, packet: Buffer): void => {
      if (track?.isOpen()) {
        try {
          track.sendMessageBinary(packet);
        } catch {
          // closing
        }
      }
    };
    this.timers.push(
      setInterval(() => {
        for (const packet of this.camera.nextFrame()) send(this.videoTrack, packet);
        if (this.screen) for (const packet of this.screen.nextFrame()) send(this.screenTrack, packet);
      }, 1000 / FPS),
      setInterval(() => {
        send(this.audioTrack, this.audio.nextPacket());
        if (this.screenAudio) send(this.screenAudioTrack, this.screenAudio.nextPacket());
      }, 20),
      // Sender reports, as a browser sends them for each stream (RTCP written on a track without a handler).
      setInterval(() => {
        for (const layer of this.camera.layers) send(this.videoTrack, senderReportNow(layer.ssrc, this.camera.nextTimestamp));
        send(this.audioTrack, senderReportNow(this.audio.ssrc, this.audio.nextTimestamp));
      }, 500),
    );
  }

  /** The SFU's offer for the receiving connection: resolves with the answer. */
  async answerOffer(offer: SubscribeOffer): Promise<string> {
    if (offer.fresh || !this.subscriberPc) {
      this.subscriberPc?.close();
      this.subscriberTracks.clear();
      this.mids.clear(); // a new connection: new streams
      const pc = new PeerConnection(`sub-${this.id}`, CONFIG);
      this.subscriberPc = pc;
      pc.onStateChange((state) => {
        if (pc !== this.subscriberPc) return;
        if (state === 'connected') {
          this.subscriberConnectedAt = performance.now();
          this.emit('update');
        }
        if (state === 'failed') this.emit('subscriber-failed');
      });
      pc.onTrack((track) => {
        const mid = track.mid();
        // No media handler: RTCP written on the track (the tests' PLIs and NACKs) goes out as is.
        this.subscriberTracks.set(mid, track);
        track.onMessage((message) => {
          // The last connection's packets can still come in after it was closed: they would start the new one's log.
          if (pc !== this.subscriberPc) return;
          if (!isRtcp(message)) this.onPacket(mid, message);
          else for (const item of parseRtcp(message)) if (item.kind === 'sr') this.onSenderReport(mid, item.ssrc, item.rtpTimestamp);
        });
      });
      pc.setRemoteDescription(offer.sdp, 'offer');
      const answer = await gathered(pc);
      this.accept(offer);
      return answer;
    }
    this.subscriberPc.setRemoteDescription(offer.sdp, 'offer');
    this.accept(offer);
    return this.subscriberPc.localDescription()?.sdp ?? '';
  }

  private accept(offer: SubscribeOffer): void {
    this.revision = offer.revision;
    this.routes = new Map(offer.tracks.map((t) => [t.mid, { from: t.from, slot: t.slot }]));
    const now = performance.now();
    for (const t of offer.tracks) if (!this.routedAt.has(`${t.from}/${t.slot}`)) this.routedAt.set(`${t.from}/${t.slot}`, now);
    this.emit('update');
  }

  private onPacket(mid: string, packet: Buffer): void {
    const rtp = parseRtp(packet);
    if (!rtp) return;
    this.emit('packet', mid, packet.length);
    const t = readTail(packet, rtp.payloadOffset);
    if (!t) return;
    let log = this.mids.get(mid);
    if (!log) {
      log = { ssrc: rtp.ssrc, lastSeq: -1, seqJumps: 0, late: 0, lastTimestamp: 0, senderReports: [], segments: [] };
      this.mids.set(mid, log);
    }
    if (log.ssrc !== rtp.ssrc) log.ssrc = rtp.ssrc;
    const step = (rtp.seq - log.lastSeq) & 0xffff;
    if (log.lastSeq >= 0 && (step === 0 || step >= 0x8000)) {
      log.late++;
      const segment = log.segments[log.segments.length - 1];
      if (segment && segment.from === t.publisher && segment.slot === t.slot && segment.layer === t.layer) segment.packets++;
      this.emit('update');
      return;
    }
    if (log.lastSeq >= 0 && rtp.seq !== ((log.lastSeq + 1) & 0xffff)) log.seqJumps++;
    log.lastSeq = rtp.seq;
    log.lastTimestamp = rtp.timestamp;
    const now = performance.now();
    let segment = log.segments[log.segments.length - 1];
    if (!segment || segment.from !== t.publisher || segment.slot !== t.slot || segment.layer !== t.layer) {
      segment = {
        from: t.publisher,
        slot: t.slot,
        layer: t.layer,
        startedAt: now,
        startsWithKeyframe: t.keyframe && t.firstOfFrame,
        firstCounter: t.counter,
        lastCounter: t.counter - 1,
        packets: 0,
        gaps: 0,
        resumedWithKeyframe: [],
        keyframes: 0,
        firstKeyframeAt: null,
      };
      log.segments.push(segment);
      this.emit('update');
    }
    if (t.counter !== segment.lastCounter + 1) {
      segment.gaps++;
      segment.resumedWithKeyframe.push(t.keyframe && t.firstOfFrame);
      this.emit('update');
    }
    segment.lastCounter = t.counter;
    segment.packets++;
    if (t.keyframe && t.firstOfFrame) {
      segment.keyframes++;
      segment.firstKeyframeAt ??= now;
      this.emit('update');
    }
  }

  private onSenderReport(mid: string, ssrc: number, rtpTimestamp: number): void {
    // A sender report reaches every track it names (its SSRC is the line's own).
    const log = this.mids.get(mid);
    if (!log || log.ssrc !== ssrc) return;
    log.senderReports.push({ rtpTimestamp, lastTimestamp: log.lastTimestamp });
    this.emit('update');
  }

  /** The segments received of one publisher's slot, across mids. */
  segmentsOf(from: number, slot: TestSlot): Segment[] {
    return [...this.mids.values()].flatMap((log) => log.segments.filter((s) => s.from === from && s.slot === slot));
  }

  /** The mid that carries `from`'s `slot` now, per the routes. */
  midOf(fromId: string, slot: TestSlot): string | undefined {
    for (const [mid, route] of this.routes) if (route.from === fromId && route.slot === slot) return mid;
    return undefined;
  }

  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.publisherPc?.close();
    this.subscriberPc?.close();
    this.publisherPc = null;
    this.subscriberPc = null;
  }
}

/**
 * Resolves when `check` holds, or rejects after `ms` (from now): `check` runs on each of the
 * participants' updates (a new stream, a key frame, an offer) and every 25 ms (packet counts).
 */
export function until(participants: readonly SyntheticParticipant[], check: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const listener = (): void => {
      if (!check()) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: not within ${ms} ms`));
    }, ms);
    const poll = setInterval(listener, 25);
    const done = (): void => {
      clearTimeout(timer);
      clearInterval(poll);
      for (const p of participants) p.off('update', listener);
    };
    for (const p of participants) p.on('update', listener);
    listener();
  });
}

/**
 * Resolves once `count()` has not changed for `quietMs` (a stream that stopped), or rejects if it
 * is still changing after `ms` (from now).
 */
export function settled(count: () => number, quietMs: number, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let last = count();
    let since = start;
    const poll = setInterval(() => {
      const now = performance.now();
      const value = count();
      if (value !== last) {
        last = value;
        since = now;
      }
      if (now - since >= quietMs) {
        clearInterval(poll);
        resolve();
      } else if (now - start > ms) {
        clearInterval(poll);
        reject(new Error(`${what}: still arriving after ${ms} ms`));
      }
    }, 25);
  });
}
