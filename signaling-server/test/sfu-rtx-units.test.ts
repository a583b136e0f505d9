/** RTX (RFC 4588) in the SFU, its pure parts: wrapping and unwrapping, what a line keeps to resend, and the SDP. */
import { describe, expect, it } from 'vitest';
import { RESEND_INTERVAL_MS, Retransmitter } from '../src/sfu/worker/retransmitter.js';
import { parseRtp, stampPacket, strippedPacket } from '../src/sfu/worker/rtp.js';
import { rtxOriginalSeq, unwrapRtx, wrapRtx } from '../src/sfu/worker/rtx.js';
import { answeredRtx, publishAnswer, readPublishOffer, subscribeOffer } from '../src/sfu/worker/sdp.js';
import { CHROME_OFFER, stackAnswer as stackAnswerSdp } from './sfu-media.js';

const MID = 4;
const RRID = 11;

/** An RTP packet as a browser sends it: one-byte extensions (`[id, text]`), `payload`, and `padding` bytes of padding. */
function rtpPacket(o: {
  pt: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  extensions?: [number, string][];
  payload: Buffer;
  padding?: number;
}): Buffer {
  const elements = Buffer.concat(
    (o.extensions ?? []).map(([id, text]) => Buffer.concat([Buffer.from([(id << 4) | (text.length - 1)]), Buffer.from(text, 'latin1')])),
  );
  const words = Math.ceil(elements.length / 4);
  const ext = elements.length ? Buffer.concat([Buffer.from([0xbe, 0xde, 0, words]), elements, Buffer.alloc(words * 4 - elements.length)]) : Buffer.alloc(0);
  const head = Buffer.alloc(12);
  head[0] = 0x80 | (ext.length ? 0x10 : 0) | (o.padding ? 0x20 : 0);
  head[1] = (o.marker ? 0x80 : 0) | o.pt;
  head.writeUInt16BE(o.seq, 2);
  head.writeUInt32BE(o.timestamp >>> 0, 4);
  head.writeUInt32BE(o.ssrc >>> 0, 8);
  const padding = o.padding ? Buffer.concat([Buffer.alloc(o.padding - 1), Buffer.from([o.padding])]) : Buffer.alloc(0);
  return Buffer.concat([head, ext, o.payload, padding]);
}

const vp8Payload = Buffer.from([0x90, 0x80, 0x12, 0x34, 0x11, 0x22, 0x33, 0x44, 0x55]);

describe('RTX packets', () => {
  it("unwraps a browser's retransmission into the original: its sequence number, the media's payload type and SSRC, the timestamp and marker", () => {
    const osn = Buffer.from([0xff, 0xfe]);
    const rtx = rtpPacket({
      pt: 97,
      seq: 7,
      timestamp: 123456,
      ssrc: 0xbbbb,
      marker: true,
      extensions: [
        [MID, '1'],
        [RRID, 'h'],
      ],
      payload: Buffer.concat([osn, vp8Payload]),
      padding: 3,
    });
    const rtp = parseRtp(rtx)!;
    expect(rtxOriginalSeq(rtx, rtp)).toBe(0xfffe);
    const original = unwrapRtx(rtx, rtp, 96, 0xaaaa)!;
    const parsed = parseRtp(original)!;
    expect(parsed).toMatchObject({ payloadType: 96, seq: 0xfffe, timestamp: 123456, ssrc: 0xaaaa, marker: true, extOffset: -1 });
    expect(original.subarray(parsed.payloadOffset, parsed.payloadEnd)).toEqual(vp8Payload);
    expect(original[0]! & 0x20).toBe(0); // the RTX packet's padding is not the original's
  });

  it('finds no original in a padding-only probe, in an original sequence number alone, or in a packet too short for one', () => {
    const probe = rtpPacket({ pt: 97, seq: 8, timestamp: 1, ssrc: 0xbbbb, extensions: [[RRID, 'q']], payload: Buffer.alloc(0), padding: 200 });
    expect(parseRtp(probe)).not.toBeNull();
    expect(unwrapRtx(probe, parseRtp(probe)!, 96, 1)).toBeNull();
    for (const payload of [Buffer.from([0x01, 0x02]), Buffer.from([0x01]), Buffer.alloc(0)]) {
      const short = rtpPacket({ pt: 97, seq: 9, timestamp: 1, ssrc: 0xbbbb, payload });
      expect(rtxOriginalSeq(short, parseRtp(short)!)).toBeNull();
      expect(unwrapRtx(short, parseRtp(short)!, 96, 1)).toBeNull();
    }
  });

  it('wraps a forwarded packet as RTX (its own payload type, SSRC and sequence number; the original sequence number first) and unwraps it again', () => {
    const sent = rtpPacket({ pt: 96, seq: 500, timestamp: 9000, ssrc: 0xaaaa, marker: true, payload: vp8Payload, padding: 4 });
    const rtx = wrapRtx(sent, parseRtp(sent)!, 500, 9000, { payloadType: 97, seq: 0xffff, ssrc: 0xcccc });
    const parsed = parseRtp(rtx)!;
    expect(parsed).toMatchObject({ payloadType: 97, seq: 0xffff, timestamp: 9000, ssrc: 0xcccc, marker: true });
    expect(rtx.readUInt16BE(parsed.payloadOffset)).toBe(500);
    expect(rtx.subarray(parsed.payloadOffset + 2)).toEqual(vp8Payload); // without the padding
    const back = unwrapRtx(rtx, parsed, 96, 0xaaaa)!;
    expect(back).toEqual(rtpPacket({ pt: 96, seq: 500, timestamp: 9000, ssrc: 0xaaaa, marker: true, payload: vp8Payload }));
  });
});

describe("a subscriber line's retransmissions", () => {
  /** A packet forwarded to two subscribers: one buffer, its header written for each in turn (as VideoSource does). */
  function forwardedToTwo(seqs: [number, number], timestamps: [number, number]): { packet: Buffer; lines: [Retransmitter, Retransmitter] } {
    const incoming = rtpPacket({ pt: 96, seq: 1, timestamp: 1, ssrc: 1, marker: true, extensions: [[MID, '1']], payload: vp8Payload });
    const packet = strippedPacket(incoming, parseRtp(incoming)!, 96);
    const lines: [Retransmitter, Retransmitter] = [new Retransmitter(0x1111, 0x2111, 97), new Retransmitter(0x1222, 0x2222, 97)];
    lines.forEach((line, i) => {
      stampPacket(packet, seqs[i]!, timestamps[i]!, line.ssrc);
      line.remember(packet);
    });
    return { packet, lines };
  }

  it('resends what a NACK asks for as RTX in the numbering that line gave it, though the buffer was rewritten for another subscriber', () => {
    const { lines } = forwardedToTwo([100, 40000], [5000, 777]);
    const [rtx] = lines[0].resend([100], true, 1000);
    const parsed = parseRtp(rtx!)!;
    expect(parsed).toMatchObject({ payloadType: 97, ssrc: 0x2111, timestamp: 5000, marker: true });
    expect(rtx!.readUInt16BE(parsed.payloadOffset)).toBe(100);
    expect(rtx!.subarray(parsed.payloadOffset + 2)).toEqual(vp8Payload);
    // The RTX stream's own sequence numbers follow on.
    const [again] = lines[0].resend([100], true, 1000 + RESEND_INTERVAL_MS);
    expect(parseRtp(again!)!.seq).toBe((parsed.seq + 1) & 0xffff);
    // Without RTX (the answer did not keep it): the packet itself, on the media SSRC, as first sent to that line.
    const [plain] = lines[1].resend([40000], false, 1000);
    expect(parseRtp(plain!)).toMatchObject({ payloadType: 96, seq: 40000, timestamp: 777, ssrc: 0x1222 });
    expect(lines[0].resent).toBe(2);
  });

  it('resends nothing it no longer has, or never sent', () => {
    const line = new Retransmitter(1, 2, 97);
    const incoming = rtpPacket({ pt: 96, seq: 1, timestamp: 1, ssrc: 1, payload: vp8Payload });
    for (let seq = 65000; seq < 65000 + 300; seq++) {
      const packet = strippedPacket(incoming, parseRtp(incoming)!, 96);
      stampPacket(packet, seq & 0xffff, seq, 1);
      line.remember(packet);
    }
    expect(line.resend([65000, 65043], true, 0)).toEqual([]); // pushed out by the 256 after them
    expect(line.resend([(65000 + 299) & 0xffff, 65044, 1234], true, 0).map((p) => p.readUInt16BE(12))).toEqual([(65000 + 299) & 0xffff, 65044]);
  });

  it('resends a packet at most once in RESEND_INTERVAL_MS, however often or however many times one NACK names it', () => {
    const line = new Retransmitter(1, 2, 97);
    const incoming = rtpPacket({ pt: 96, seq: 1, timestamp: 1, ssrc: 1, payload: vp8Payload });
    for (let seq = 0; seq < 256; seq++) {
      const packet = strippedPacket(incoming, parseRtp(incoming)!, 96);
      stampPacket(packet, seq, seq, 1);
      line.remember(packet);
    }
    const every = Array.from({ length: 256 }, (_, seq) => seq);
    expect(line.resend([...every, ...every], true, 50)).toHaveLength(256);
    expect(line.resend(every, true, 50 + RESEND_INTERVAL_MS - 1)).toHaveLength(0);
    expect(line.resend([7], true, 50 + RESEND_INTERVAL_MS)).toHaveLength(1);
    expect(line.resent).toBe(257);
  });
});

describe('RTX in the SDP', () => {
  const chrome = CHROME_OFFER;
  const stackAnswer = stackAnswerSdp({ candidate: false });

  it("accepts a browser's RTX for VP8 and the repaired rid extension, and answers them", () => {
    const offer = readPublishOffer(chrome, ['0', '1', '2']);
    expect(offer.media.map((m) => m.rtxPayloadType)).toEqual([null, 97, 97, null]);
    expect(offer.extensions.repairedRid).toBe(RRID);
    const video = publishAnswer(offer, stackAnswer, ['0', '1', '2'], 1).split(/(?=^m=)/m)[2]!;
    expect(video).toMatch(/^m=video 9 UDP\/TLS\/RTP\/SAVPF 96 97\r$/m);
    expect(video).toMatch(/^a=rtpmap:97 rtx\/90000\r$/m);
    expect(video).toMatch(/^a=fmtp:97 apt=96\r$/m);
    expect(video).toMatch(/^a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r$/m);
    // Only VP8's RTX: none of the other codecs' (H264's 103 and so on).
    expect(video.match(/^a=rtpmap:/gm)).toHaveLength(2);
    expect(video).not.toMatch(/^a=(rtpmap|fmtp):(?!96 |97 )/m);
  });

  it("reads an offer's FID groups (RTX SSRC -> media SSRC), apart from its media SSRCs; no RTX answered where none is offered", () => {
    const single = [
      'v=0',
      'o=- 1 2 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
      'a=mid:0',
      'a=sendonly',
      'a=rtpmap:96 VP8/90000',
      'a=rtcp-fb:96 nack',
      'a=rtpmap:97 rtx/90000',
      'a=fmtp:97 apt=96',
      'a=ssrc-group:FID 1001 2002',
      'a=ssrc:1001 cname:x',
      'a=ssrc:2002 cname:x',
      'a=ssrc-group:FID 1001 nonsense',
      'a=setup:actpass',
      '',
    ].join('\r\n');
    const [media] = readPublishOffer(single, ['0']).media;
    expect(media).toMatchObject({ payloadType: 96, rtxPayloadType: 97, ssrcs: [1001] });
    expect([...media!.rtxSsrcs]).toEqual([[2002, 1001]]);
    // RTX for another codec (apt=98), or none: VP8 alone.
    const without = single.replace('a=fmtp:97 apt=96', 'a=fmtp:97 apt=98');
    const offer = readPublishOffer(without, ['0']);
    expect(offer.media[0]).toMatchObject({ rtxPayloadType: null, ssrcs: [1001, 2002] });
    expect(offer.media[0]!.rtxSsrcs.size).toBe(0);
    const answer = publishAnswer(offer, stackAnswer, ['0'], 1);
    expect(answer).toMatch(/^m=video 9 UDP\/TLS\/RTP\/SAVPF 96\r$/m);
    expect(answer).not.toMatch(/rtx/i);
  });

  it("offers a subscriber RTX on each video line: its rtx codec, its RTX SSRC in a FID group, both SSRCs under the line's msid", () => {
    // libdatachannel's offer for a video line with RTX (addRTXCodec, two addSSRC, the FID group).
    const stack = [
      'v=0',
      'o=rtc 55 0 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
      'a=mid:2',
      'a=sendonly',
      'a=ssrc:77 cname:x',
      'a=ssrc:77 msid:sfu-2 video-2',
      'a=msid:sfu-2 video-2',
      'a=ssrc:78 cname:x',
      'a=ssrc:78 msid:sfu-2 video-2',
      'a=msid:sfu-2 video-2',
      'a=ssrc-group:FID 77 78',
      'a=rtpmap:96 VP8/90000',
      'a=rtcp-fb:96 nack',
      'a=rtpmap:97 RTX/90000',
      'a=fmtp:97 apt=96',
      'a=setup:actpass',
      '',
    ].join('\r\n');
    const offer = subscribeOffer(stack, 3, [{ mid: '2', ssrc: 77, carries: { from: 'participant-1', slot: 'video' } }]);
    expect(offer).toMatch(/^a=rtpmap:97 rtx\/90000\r$/m);
    expect(offer).toMatch(/^a=fmtp:97 apt=96\r$/m);
    expect(offer).toMatch(/^a=ssrc-group:FID 77 78\r$/m);
    expect(offer).toMatch(/^a=ssrc:77 msid:participant-1 video-2\r$/m);
    expect(offer).toMatch(/^a=ssrc:78 msid:participant-1 video-2\r$/m);
    expect(offer.match(/^a=msid:[^\r]*/gm)).toEqual(['a=msid:participant-1 video-2']);
  });

  it("tells which lines of a subscriber's answer kept RTX", () => {
    const answer = (mid: string, formats: string, lines: string[]): string[] => [
      `m=video 9 UDP/TLS/RTP/SAVPF ${formats}`,
      `a=mid:${mid}`,
      'a=recvonly',
      ...lines,
    ];
    const sdp = [
      'v=0',
      'o=- 1 2 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      ...answer('1', '96 97', ['a=rtpmap:96 VP8/90000', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96']),
      ...answer('2', '96', ['a=rtpmap:96 VP8/90000']),
      ...answer('3', '96 97', ['a=rtpmap:96 VP8/90000', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=100']),
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=mid:0',
      '',
    ].join('\r\n');
    expect([...answeredRtx(sdp, 96, 97)]).toEqual(['1']);
  });
});
