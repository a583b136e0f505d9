/** The SFU's pure parts: layer choice, stream rewriting, loudness, loss and NACKs, RTCP and SDP. */
import { describe, expect, it } from 'vitest';
import { DownlinkEstimate, type VideoDemand, allocateLayers } from '../src/sfu/worker/downlink.js';
import { LayerDemand, PAUSE_AFTER_MS } from '../src/sfu/worker/layer-demand.js';
import { DEFAULT_LAYER, type LayerState, chooseLayer, layerOfRid } from '../src/sfu/worker/layers.js';
import { LoudestSelector } from '../src/sfu/worker/loudest.js';
import { AudioOut, VideoOut } from '../src/sfu/worker/out-stream.js';
import { BitrateEstimate, ReceiveStats } from '../src/sfu/worker/receive-stats.js';
import { nack, parseRtcp, pli, receiverReport, remb } from '../src/sfu/worker/rtcp.js';
import { isVp8KeyframeStart, parseRtp, readTextExtension, vp8KeyframeSize } from '../src/sfu/worker/rtp.js';
import { publishAnswer, readPublishOffer, subscribeOffer } from '../src/sfu/worker/sdp.js';
import { CHROME_OFFER, SimulcastSource, stackAnswer as stackAnswerSdp } from './sfu-media.js';

const live = (width: number | null = null, height: number | null = null): LayerState => ({ width, height, live: true });
const dead = (): LayerState => ({ width: null, height: null, live: false });

describe('chooseLayer', () => {
  const all = [live(), live(), live()];
  it('forwards the middle layer before any view, nothing at 0 x 0', () => {
    expect(chooseLayer(undefined, all)).toBe(DEFAULT_LAYER);
    expect(chooseLayer({ width: 0, height: 0 }, all)).toBeNull();
    expect(chooseLayer({ width: 300, height: 0 }, all)).toBeNull();
  });

  it('takes the smallest layer that covers the view, the largest if none does', () => {
    expect(chooseLayer({ width: 320, height: 180 }, all)).toBe(0);
    expect(chooseLayer({ width: 321, height: 180 }, all)).toBe(1);
    expect(chooseLayer({ width: 200, height: 300 }, all)).toBe(1);
    expect(chooseLayer({ width: 3840, height: 2160 }, all)).toBe(2);
    // Sizes learnt from key frames count (a camera that sends 480p at full size).
    expect(chooseLayer({ width: 640, height: 360 }, [live(160, 120), live(320, 240), live(640, 480)])).toBe(2);
  });

  it('passes over a layer that is not arriving: the nearest smaller one, else the nearest larger', () => {
    expect(chooseLayer({ width: 1280, height: 720 }, [live(), live(), dead()])).toBe(1);
    expect(chooseLayer({ width: 320, height: 180 }, [dead(), dead(), live()])).toBe(2);
    expect(chooseLayer({ width: 1280, height: 720 }, [dead(), dead(), dead()])).toBe(2);
  });

  it('places rids: q, h, f by name, others by their place in the offer', () => {
    expect([layerOfRid('q', []), layerOfRid('h', []), layerOfRid('f', [])]).toEqual([0, 1, 2]);
    expect(layerOfRid('hi', ['lo', 'hi'])).toBe(1);
    expect(layerOfRid('x', ['q', 'h', 'f'])).toBe(-1);
  });
});

describe('LayerDemand', () => {
  // A 640x360 camera whose largest layer is paused (not arriving): what anyone is shown still counts.
  const layers = [live(160, 90), live(320, 180), dead()];
  const small = { width: 150, height: 84 };
  const big = { width: 640, height: 360 };

  it('tells a new publisher at once which layers anyone is shown; the smallest always', () => {
    const demand = new LayerDemand();
    expect(demand.update([small, small], layers, 0)).toEqual([true, false, false]);
    expect([0, 1, 2].map((layer) => demand.paused(layer))).toEqual([false, true, true]);
    expect(demand.update([small, small], layers, 100)).toBeNull();
    // Someone who has not said how big they show it gets the middle layer.
    expect(demand.update([small, undefined], layers, 200)).toEqual([true, true, false]);
    // Nobody shown it, nobody receiving it: the smallest only, in time.
    expect(demand.update([{ width: 0, height: 0 }], layers, 200 + PAUSE_AFTER_MS)).toEqual([true, false, false]);
    expect(demand.update([], layers, 300 + PAUSE_AFTER_MS)).toBeNull();
  });

  it('resumes a layer as soon as someone is shown it, pauses it again only a while after the last', () => {
    const demand = new LayerDemand();
    demand.update([], layers, 0);
    // Someone pins it (the paused layer counts as if it came), then someone has not said how big they show it (the middle).
    expect(demand.update([small, big], layers, 10_000)).toEqual([true, false, true]);
    expect(demand.update([small, undefined], layers, 10_100)).toEqual([true, true, true]);
    expect(demand.update([small], layers, 10_000 + PAUSE_AFTER_MS - 1)).toBeNull();
    expect(demand.update([small], layers, 10_000 + PAUSE_AFTER_MS)).toEqual([true, true, false]);
    expect(demand.update([small], layers, 10_100 + PAUSE_AFTER_MS)).toEqual([true, false, false]);
  });

  it('judges a layer by the largest size it had: a busy browser scaling its layers down does not bring the full one back', () => {
    const demand = new LayerDemand();
    const camera = [live(320, 180), live(640, 360), live(1280, 720)];
    // Tiles about 620 px wide: the middle layer (640x360) covers them.
    const tile = { width: 620, height: 349 };
    expect(demand.update([tile, tile], camera, 0)).toEqual([true, true, false]);
    // The publisher's CPU runs short: its browser sends 3/4 of each size. The middle is now
    // 480 px wide, but it is the same camera: the full layer stays paused.
    const adapted = [live(240, 135), live(480, 270), dead()];
    expect(demand.update([tile, tile], adapted, 10_000)).toBeNull();
    // Someone pins it: the full layer, whatever its size now.
    expect(demand.update([tile, { width: 1280, height: 720 }], adapted, 11_000)).toEqual([true, true, true]);
    // A new connection (e.g. another camera) starts from the sizes it sends.
    demand.reset();
    expect(demand.update([tile], [live(160, 90), live(320, 180), live(640, 360)], 20_000)).toEqual([true, false, true]);
  });

  it("tells a publisher's new connection (which sends every layer) afresh", () => {
    const demand = new LayerDemand();
    expect(demand.update([small], layers, 0)).toEqual([true, false, false]);
    demand.reset();
    expect(demand.update([small], layers, 20_000)).toEqual([true, false, false]);
  });
});

describe('VideoOut', () => {
  it('switches at the new layer’s key frame, numbering on without a gap', () => {
    const out = new VideoOut(1234);
    const key = (): boolean => true;
    const notKey = (): boolean => false;
    expect(out.want(0, 0)).toBe(true);
    expect(out.map(0, 100, 9000, notKey, 0)).toBe(false); // nothing before a key frame
    expect(out.map(0, 101, 12000, key, 0)).toBe(true);
    const first = { seq: out.seq, ts: out.timestamp };
    expect(out.map(0, 102, 15000, notKey, 33)).toBe(true);
    expect(out.seq).toBe((first.seq + 1) & 0xffff);
    expect(out.timestamp).toBe((first.ts + 3000) >>> 0);
    // Ask for layer 2: layer 0 goes on until layer 2's key frame.
    expect(out.want(2, 40)).toBe(true);
    expect(out.map(2, 5000, 777000, notKey, 50)).toBe(false);
    expect(out.map(0, 103, 18000, notKey, 66)).toBe(true);
    expect(out.map(2, 5001, 780000, key, 70)).toBe(true);
    expect(out.seq).toBe((first.seq + 3) & 0xffff);
    expect(out.timestamp - first.ts).toBeGreaterThan(6000); // time moved on
    expect(out.map(0, 104, 21000, notKey, 99)).toBe(false); // the old layer no more
    // A retransmission of the new layer from before the switch is not forwarded (its number is taken).
    expect(out.map(2, 4999, 777000, notKey, 100)).toBe(false);
    expect(out.switches).toBe(2);
  });

  it('forwards nothing once told null, and waits for a key frame after a restart', () => {
    const out = new VideoOut(1);
    out.want(1, 0);
    out.map(1, 10, 0, () => true, 0);
    expect(out.want(null, 10)).toBe(false);
    expect(out.map(1, 11, 3000, () => true, 20)).toBe(false);
    out.restart(1, 30);
    expect(out.map(1, 50, 9000, () => false, 40)).toBe(false);
    expect(out.map(1, 51, 9000, () => true, 40)).toBe(true);
  });
});

describe('AudioOut', () => {
  it('hides a pause in the numbering, keeping the source’s timing', () => {
    const out = new AudioOut(5);
    const source = {};
    out.map(source, 1000, 48_000, 0);
    const [seq, ts] = [out.seq, out.timestamp];
    out.gap(); // 1001..1049 held back
    out.map(source, 1050, 48_000 + 50 * 960, 1000);
    expect(out.seq).toBe((seq + 1) & 0xffff);
    expect(out.timestamp).toBe((ts + 50 * 960) >>> 0);
    // Someone else's microphone on this line: numbering and time go on from here.
    out.map({}, 7, 123, 1020);
    expect(out.seq).toBe((seq + 2) & 0xffff);
    expect(out.timestamp - (ts + 50 * 960)).toBe(20 * 48);
  });
});

describe('LoudestSelector', () => {
  it('chooses the loudest, keeps those chosen against someone barely louder, forgets the silent', () => {
    const loudest = new LoudestSelector();
    const speak = (member: string, loudness: number, from: number, to: number): void => {
      for (let t = from; t <= to; t += 20) loudest.hear(member, loudness, t);
    };
    speak('a', 100, 0, 1000);
    speak('b', 90, 0, 1000);
    speak('c', 20, 0, 1000);
    expect([...loudest.select(['a', 'b', 'c'], 2, 1000)].sort()).toEqual(['a', 'b']);
    speak('a', 100, 1000, 2000);
    speak('c', 93, 1000, 2000); // louder than b, but by less than the margin
    speak('b', 90, 1000, 2000);
    expect([...loudest.select(['a', 'b', 'c'], 2, 2000)].sort()).toEqual(['a', 'b']);
    // a has fallen silent (nothing heard since 2000 ms ago); c now speaks up.
    speak('c', 110, 2000, 3000);
    speak('b', 90, 2000, 3000);
    expect([...loudest.select(['a', 'b', 'c'], 2, 3000)].sort()).toEqual(['b', 'c']);
    expect(loudest.loudness('a', 3000)).toBe(0);
    expect([...loudest.select(['a', 'b'], 2, 3600)].sort()).toEqual(['a', 'b']);
  });
});

describe('ReceiveStats', () => {
  it('counts loss for receiver reports and asks for what is missing, a few times', () => {
    const stats = new ReceiveStats(42);
    for (const seq of [65530, 65531, 65534, 65535, 0, 3]) expect(stats.packet(seq, 100, 0)).toBe(true);
    expect(stats.hasMissing).toBe(true);
    expect(stats.nacks(10).sort((a, b) => a - b)).toEqual([1, 2, 65532, 65533]);
    expect(stats.nacks(20)).toEqual([]); // asked 10 ms ago
    expect(stats.packet(65532, 100, 25)).toBe(true); // a retransmission fills the gap
    expect(stats.packet(65532, 100, 26)).toBe(false); // a copy is not
    expect(stats.nacks(60).sort((a, b) => a - b)).toEqual([1, 2, 65533]);
    const block = stats.reportBlock(100)!;
    expect(block.extendedHighestSeq).toBe(0x10000 + 3);
    expect(block.cumulativeLost).toBe(3);
    expect(block.fractionLost).toBeCloseTo(3 / 10);
    expect(stats.reportBlock(200)!.fractionLost).toBe(0);
  });

  it('lowers the bitrate a publisher may use under loss, raises it back without', () => {
    const estimate = new BitrateEstimate(100_000, 5_000_000, 5_000_000);
    expect(estimate.update(0.3, 2_000_000)).toBe(1_700_000);
    expect(estimate.update(0.05, 1_700_000)).toBe(1_700_000);
    expect(estimate.update(0, 1_700_000)).toBe(1_836_000);
    for (let i = 0; i < 30; i++) estimate.update(0, 1_000_000);
    expect(estimate.bitrate).toBe(5_000_000);
  });
});

describe("a subscriber's downlink", () => {
  /** A camera's three layers arriving at 150, 500 and 1,500 kbit/s. */
  const camera = (): LayerState[] => [150_000, 500_000, 1_500_000].map((bitrate) => ({ ...live(), bitrate }));
  const demand = (width: number, height: number, current: number | null = null): VideoDemand => ({ view: { width, height }, layers: camera(), current });
  const big = demand(1280, 720);
  const tiles = [demand(320, 180), demand(640, 360), demand(320, 180)];

  it('gives each view its layer while nothing says the downlink is short', () => {
    expect(allocateLayers([big, ...tiles], Infinity)).toEqual([2, 0, 1, 0]);
    expect(allocateLayers([big, ...tiles], 5_000_000)).toEqual([2, 0, 1, 0]);
    // Not shown: nothing, whatever the budget.
    expect(allocateLayers([demand(0, 0)], 300_000)).toEqual([null]);
  });

  it('keeps the smallest layer of everyone shown, and gives what is left to the largest view first', () => {
    // Everyone's q is 600 of 1,450 (1,305 with 10 % kept spare for a new layer): the big view's h
    // takes 350 more, its f would not fit, and the middle tile gets h with what remains.
    expect(allocateLayers([...tiles, big], 1_450_000)).toEqual([0, 1, 0, 1]);
    expect(allocateLayers([big, ...tiles], 1_100_000)).toEqual([1, 0, 0, 0]);
    // Too little for even that: everyone still gets the smallest layer.
    expect(allocateLayers([big, ...tiles], 200_000)).toEqual([0, 0, 0, 0]);
    // A layer not arriving is never given; a measured rate counts over the assumed one.
    const paused = { ...big, layers: [camera()[0]!, { ...live(), bitrate: 400_000 }, { width: null, height: null, live: false }] };
    expect(allocateLayers([paused], 450_000)).toEqual([1]);
  });

  it('keeps a layer it forwards up to the budget, and takes a larger one only with 10 % to spare', () => {
    expect(allocateLayers([demand(1280, 720, 2)], 1_500_000)).toEqual([2]);
    expect(allocateLayers([demand(1280, 720, 1)], 1_500_000)).toEqual([1]);
    expect(allocateLayers([demand(1280, 720, 1)], 1_700_000)).toEqual([2]);
  });

  it('lowers its estimate under reported loss, raises it back without, and holds it without reports', () => {
    const downlink = new DownlinkEstimate();
    const sent = { video: 0, audio: 0 };
    /** One second of sending at these rates (bit/s), with `loss` reported. */
    const second = (video: number, audio: number, loss: number | null, now: number): boolean => {
      sent.video += video / 8;
      sent.audio += audio / 8;
      if (loss !== null) downlink.report(loss, 100);
      return downlink.update(sent, now);
    };
    downlink.update(sent, 0);
    expect(second(1_500_000, 50_000, 0, 1000)).toBe(false);
    expect(downlink.limit).toBe(Infinity);
    // 30 % lost of what was sent: down to 85 % of it, the sound's share kept apart for video.
    expect(second(1_500_000, 50_000, 0.3, 2000)).toBe(true);
    expect(downlink.limit).toBe(1_317_500);
    expect(downlink.videoBudget).toBe(1_267_500);
    // Moderate loss holds it; no reports at all hold it; clean reports raise it 8 % a second.
    expect(second(500_000, 50_000, 0.05, 3000)).toBe(false);
    expect(second(500_000, 50_000, null, 4000)).toBe(false);
    expect(second(500_000, 50_000, 0, 5000)).toBe(true);
    expect(downlink.limit).toBe(Math.round(1_317_500 * 1.08));
    // Half a second is no window: its report counts in the window when it closes.
    downlink.report(0.5, 100);
    expect(downlink.update(sent, 5500)).toBe(false);
    expect(second(500_000, 50_000, null, 6000)).toBe(true);
    expect(downlink.limit).toBe(412_500);
    // A few packets' loss, or loss while next to nothing was sent, moves nothing.
    downlink.report(0.5, 10);
    expect(second(500_000, 50_000, null, 7000)).toBe(false);
    expect(second(20_000, 10_000, 0.5, 8000)).toBe(false);
    expect(downlink.limit).toBe(412_500);
  });
});

describe('RTCP', () => {
  it('reads what it writes: NACK, PLI, REMB, and FIR', () => {
    const seqs = [5, 6, 21, 22, 65535, 0, 400];
    const [item] = parseRtcp(nack(1, 99, seqs));
    expect(item).toMatchObject({ kind: 'nack', mediaSsrc: 99 });
    expect((item as { seqs: number[] }).seqs.sort((a, b) => a - b)).toEqual([...seqs].sort((a, b) => a - b));
    const fir = Buffer.from([0x84, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 77, 1, 0, 0, 0]);
    const compound = Buffer.concat([receiverReport(1, []), pli(1, 7), remb(1, 2_500_000, [7, 8]), fir]);
    expect(parseRtcp(compound)).toEqual([
      { kind: 'keyframe', mediaSsrc: 7 },
      { kind: 'remb', bitrate: expect.closeTo(2_500_000, -2), ssrcs: [7, 8] },
      { kind: 'keyframe', mediaSsrc: 77 },
    ]);
  });

  it("reads a receiver report's blocks: whose stream, the share lost, the highest sequence number", () => {
    const block = { ssrc: 42, fractionLost: 0.25, cumulativeLost: 9, extendedHighestSeq: 0x1_0005, jitter: 0, lastSr: 0, delaySinceLastSr: 0 };
    const compound = Buffer.concat([receiverReport(1, [block, { ...block, ssrc: 43, fractionLost: 0 }]), remb(1, 800_000, [42, 43])]);
    expect(parseRtcp(compound)).toEqual([
      { kind: 'report', ssrc: 42, fractionLost: 0.25, extendedHighestSeq: 0x1_0005 },
      { kind: 'report', ssrc: 43, fractionLost: 0, extendedHighestSeq: 0x1_0005 },
      { kind: 'remb', bitrate: 800_000, ssrcs: [42, 43] },
    ]);
  });
});

describe('RTP', () => {
  it('reads the mid and rid extensions and a VP8 key frame’s size', () => {
    const source = new SimulcastSource(3, 'video', '1', 1000);
    const packets = source.nextFrame();
    const full = packets.find((p) => readTextExtension(p, parseRtp(p)!, 10) === 'f')!;
    const rtp = parseRtp(full)!;
    expect(readTextExtension(full, rtp, 4)).toBe('1');
    expect(isVp8KeyframeStart(full, rtp)).toBe(true);
    expect(vp8KeyframeSize(full, rtp)).toEqual({ width: 1280, height: 720 });
    const next = source.nextFrame()[0]!;
    expect(isVp8KeyframeStart(next, parseRtp(next)!)).toBe(false);
    // A padding-only packet (P bit, no payload) whose padding looks like a key frame's start is none.
    const padding = Buffer.from([0xa0, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0x10, 0x10, 0, 0, 0, 6]);
    expect(isVp8KeyframeStart(padding, parseRtp(padding)!)).toBe(false);
  });
});

describe('SDP', () => {
  // Chromium's offer for a microphone, a camera and a screen as q/h/f simulcast, and screen sound.
  const chrome = CHROME_OFFER;
  const mids = ['0', '1', '2', '3'];
  const stackAnswer = stackAnswerSdp({ candidate: true });

  it("reads a browser's publishing offer", () => {
    const offer = readPublishOffer(chrome, mids);
    expect(offer.media.map((m) => [m.mid, m.kind, m.payloadType, m.rids.join(''), m.ssrcs.length > 0])).toEqual([
      ['0', 'audio', 111, '', true],
      ['1', 'video', 96, 'qhf', false],
      ['2', 'video', 96, 'qhf', false],
      ['3', 'audio', 111, '', true],
    ]);
    expect(offer.anchorMid).toBe('0');
    expect(offer.extensions).toMatchObject({ mid: expect.any(Number), rid: expect.any(Number), audioLevel: expect.any(Number) });
    // libdatachannel is shown the anchor alone, with Opus alone.
    expect(offer.forStack.match(/^m=/gm)).toEqual(['m=']);
    expect(offer.forStack).toMatch(/^m=audio 9 UDP\/TLS\/RTP\/SAVPF 111\r$/m);
    expect(offer.forStack).toMatch(/^a=group:BUNDLE 0\r$/m);
    expect(() => readPublishOffer(chrome, ['7'])).toThrow(/mid 7/);
    expect(() => readPublishOffer('hello', ['0'])).toThrow(/SDP/);
  });

  it('answers every slot on one transport, simulcast received, VP8 (with its RTX) and Opus only, REMB instead of transport-cc', () => {
    const offer = readPublishOffer(chrome, ['0', '1', '2']);
    const answer = publishAnswer(offer, stackAnswer, ['0', '1', '2'], 3);
    expect(answer).toMatch(/^o=rtc 123 3 IN IP4/m);
    expect(answer).toMatch(/^a=group:BUNDLE 0 1 2\r$/m);
    const sections = answer.split(/(?=^m=)/m).slice(1);
    expect(sections.map((s) => s.split('\r\n')[0])).toEqual([
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
      expect.stringMatching(/^m=audio 0 /), // mid 3 is no slot here: rejected
    ]);
    for (const video of sections.slice(1, 3)) {
      expect(video).toMatch(/^a=recvonly\r$/m);
      expect(video).toMatch(/^a=rid:q recv\r$/m);
      expect(video).toMatch(/^a=simulcast:recv q;h;f\r$/m);
      expect(video).toMatch(/^a=rtcp-fb:96 goog-remb\r$/m);
      expect(video).toMatch(/^a=rtcp-fb:96 nack pli\r$/m);
      expect(video).not.toMatch(/transport-cc|transport-wide|red\/|ulpfec/);
      expect(video).toMatch(/^a=setup:active\r$/m);
      expect(video).toMatch(/^a=fingerprint:sha-256 AA:BB\r$/m);
      expect(video).not.toMatch(/^a=candidate/m);
    }
    expect(sections[0]).toMatch(/^a=candidate:1 1 UDP/m);
    expect(sections[3]).toMatch(/^a=inactive\r$/m);
  });

  it("writes the subscriber's offer as the DTLS client, with its revision and whose media each line carries, asking for no REMB", () => {
    const stack = [
      'v=0',
      'o=rtc 55 0 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=mid:4',
      'a=sendonly',
      'a=ssrc:77 cname:x',
      'a=ssrc:77 msid:sfu-4 video-4',
      'a=msid:sfu-4 video-4',
      'a=rtcp-fb:96 nack pli',
      'a=rtcp-fb:96 goog-remb',
      'a=setup:actpass',
      '',
    ].join('\r\n');
    const offer = subscribeOffer(stack, 9, [{ mid: '4', ssrc: 77, carries: { from: 'participant-2', slot: 'video' } }]);
    expect(offer).toMatch(/^o=rtc 55 9 IN IP4/m);
    expect(offer).toMatch(/^a=setup:active\r$/m);
    expect(offer).toMatch(/^a=msid:participant-2 video-4\r$/m);
    expect(offer).toMatch(/^a=ssrc:77 msid:participant-2 video-4\r$/m);
    // The SFU reads the subscriber's loss, not its own estimate.
    expect(offer).toMatch(/^a=rtcp-fb:96 nack pli\r$/m);
    expect(offer).not.toMatch(/goog-remb/);
  });
});
