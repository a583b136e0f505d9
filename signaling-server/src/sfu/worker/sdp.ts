/**
 * The SDP the SFU reads and writes.
 *
 * Publishing: libdatachannel routes incoming RTP to a track by the SSRCs its m-line announces,
 * except on a connection with a single track, which gets every packet. A browser's simulcast
 * m-line announces no SSRCs (its layers are told apart by the rid header extension), so beside
 * another m-line its packets would be dropped. libdatachannel is therefore shown one m-line of the
 * offer (the anchor) and the SFU writes the whole answer itself, taking only the transport (ICE,
 * DTLS) from libdatachannel's answer; every packet of the connection reaches the anchor's track
 * and is told apart here (SSRC, mid and rid extensions).
 *
 * What the SFU accepts: VP8 and Opus, RTX (RFC 4588) for VP8 (no RED or FEC), NACK, PLI, FIR and
 * REMB feedback (not transport-wide congestion control: the SFU sends REMB), and the mid, rid,
 * repaired rid and audio level header extensions. A publisher's RTX streams are told apart by its
 * `ssrc-group:FID` lines or, for simulcast (which announces no SSRCs), by the repaired rid
 * extension that names the layer they repair.
 *
 * Subscribing: each video m-line offers RTX (`RTX_PT`, apt the VP8 payload type) with an RTX SSRC
 * of its own in a FID group; the SFU answers a NACK with the packet wrapped as RTX, if the answer
 * kept RTX (`answeredRtx`).
 */

import { type MediaSlot } from '../../protocol/sfu.js';

const EOL = '\r\n';

export const EXTENSION = {
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  repairedRid: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
} as const;
const ACCEPTED_EXTENSIONS = new Set<string>(Object.values(EXTENSION));
const ACCEPTED_CODECS = { audio: 'opus', video: 'vp8' } as const;
const ACCEPTED_FEEDBACK = /^(nack|nack pli|ccm fir|goog-remb)$/;
const TRANSPORT_LINE = /^a=(ice-ufrag|ice-pwd|ice-options|fingerprint|setup):/;

export type MediaKind = 'audio' | 'video';

interface Section {
  kind: string;
  port: number;
  proto: string;
  mid: string | null;
  lines: string[];
}

function parse(sdp: string): { session: string[]; sections: Section[] } {
  const session: string[] = [];
  const sections: Section[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.length === 0) continue;
    if (line.startsWith('m=')) {
      const [kind = '', port = '0', proto = ''] = line.slice(2).split(' ');
      sections.push({ kind, port: Number(port), proto, mid: null, lines: [line] });
    } else if (sections.length > 0) {
      const section = sections[sections.length - 1]!;
      section.lines.push(line);
      if (line.startsWith('a=mid:')) section.mid = line.slice(6).trim();
    } else session.push(line);
  }
  return { session, sections };
}

const attribute = (lines: readonly string[], name: string): string | undefined => lines.find((l) => l.startsWith(`a=${name}:`))?.slice(name.length + 3);
const attributes = (lines: readonly string[], name: string): string[] => lines.filter((l) => l.startsWith(`a=${name}:`)).map((l) => l.slice(name.length + 3));

function direction(lines: readonly string[]): 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' {
  for (const l of lines) if (l === 'a=sendonly' || l === 'a=recvonly' || l === 'a=inactive' || l === 'a=sendrecv') return l.slice(2) as 'sendrecv';
  return 'sendrecv';
}

/** One m-line of a publisher's offer, as the SFU understands it. */
export interface OfferedMedia {
  mid: string;
  kind: MediaKind;
  /** The publisher sends on it (sendonly or sendrecv, port not 0). */
  sending: boolean;
  /** The payload type of its one accepted codec (VP8 or Opus), or null if it offers neither. */
  payloadType: number | null;
  /** Its simulcast rids in the offer's order (empty: one stream). */
  rids: string[];
  /** The media SSRCs it announces (a browser's audio does; its simulcast video does not). */
  ssrcs: number[];
  /** The RTX payload type for its codec (video, if offered: apt = `payloadType`), or null. */
  rtxPayloadType: number | null;
  /** Its announced RTX SSRCs (`ssrc-group:FID media rtx`): RTX SSRC -> media SSRC. */
  rtxSsrcs: ReadonlyMap<number, number>;
}

/** What the SFU needs of a publisher's offer. */
export interface PublishOffer {
  media: OfferedMedia[];
  /** The m-line libdatachannel is shown (see the top of this file). */
  anchorMid: string;
  /** The offer as libdatachannel sees it: the anchor alone. */
  forStack: string;
  /** Header extension ids (the same for every m-line of a bundle). */
  extensions: { mid: number | null; rid: number | null; repairedRid: number | null; audioLevel: number | null };
  iceUfrag: string | null;
  /** What `answer` writes for each m-line. */
  readonly sections: readonly Section[];
}

function extensionIds(sections: readonly Section[]): PublishOffer['extensions'] {
  const find = (uri: string): number | null => {
    for (const section of sections)
      for (const line of section.lines) {
        const m = /^a=extmap:(\d+)(?:\/\w+)? (\S+)/.exec(line);
        if (m && m[2] === uri) return Number(m[1]);
      }
    return null;
  };
  return { mid: find(EXTENSION.mid), rid: find(EXTENSION.rid), repairedRid: find(EXTENSION.repairedRid), audioLevel: find(EXTENSION.audioLevel) };
}

/** The payload type of the accepted codec of a section (the first one offered), or null. */
function acceptedPayloadType(section: Section): number | null {
  const codec = ACCEPTED_CODECS[section.kind as MediaKind];
  if (!codec) return null;
  for (const line of section.lines) {
    const m = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line);
    if (m && m[2]!.toLowerCase() === codec) return Number(m[1]);
  }
  return null;
}

/** The RTX payload type (`rtx/<clock>` with `apt=<payloadType>`) of a video section, or null. */
function rtxPayloadTypeOf(section: Section, payloadType: number | null): number | null {
  if (section.kind !== 'video' || payloadType === null) return null;
  for (const line of section.lines) {
    const m = /^a=fmtp:(\d+) (?:.*;)?\s*apt=(\d+)\s*(?:;.*)?$/.exec(line);
    if (!m || Number(m[2]) !== payloadType) continue;
    const pt = m[1]!;
    if (section.lines.some((l) => new RegExp(`^a=rtpmap:${pt} rtx/`, 'i').test(l))) return Number(pt);
  }
  return null;
}

/** `a=ssrc-group:FID media rtx` lines: RTX SSRC -> media SSRC. */
function fidGroups(section: Section): Map<number, number> {
  const groups = new Map<number, number>();
  const isSsrc = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
  for (const value of attributes(section.lines, 'ssrc-group')) {
    const [semantics, media, rtx] = value.trim().split(/\s+/);
    const [m, r] = [Number(media), Number(rtx)];
    if (semantics === 'FID' && isSsrc(m) && isSsrc(r) && m !== r) groups.set(r, m);
  }
  return groups;
}

/** Reads a publisher's offer. Throws (with a message for the server's log) if it is unusable. */
export function readPublishOffer(offer: string, mids: readonly string[]): PublishOffer {
  const { session, sections } = parse(offer);
  if (!session.some((l) => l.startsWith('v=0'))) throw new Error('not an SDP offer');
  const media: OfferedMedia[] = [];
  for (const section of sections) {
    if ((section.kind !== 'audio' && section.kind !== 'video') || section.mid === null) continue;
    const simulcast = attribute(section.lines, 'simulcast');
    const rids = attributes(section.lines, 'rid')
      .map((value) => value.split(' '))
      .filter(([, dir]) => dir === 'send')
      .map(([rid]) => rid!);
    const ordered = simulcast?.startsWith('send ')
      ? simulcast
          .slice(5)
          .split(';')
          .map((alt) => alt.split(',')[0]!.replace(/^~/, ''))
          .filter((rid) => rids.includes(rid))
      : rids;
    const dir = direction(section.lines);
    const payloadType = acceptedPayloadType(section);
    const rtxPayload = rtxPayloadTypeOf(section, payloadType);
    const rtxSsrcs = rtxPayload === null ? new Map<number, number>() : fidGroups(section);
    media.push({
      mid: section.mid,
      kind: section.kind,
      sending: section.port !== 0 && (dir === 'sendonly' || dir === 'sendrecv'),
      payloadType,
      rids: ordered,
      ssrcs: [...new Set(attributes(section.lines, 'ssrc').map((v) => Number(v.split(' ')[0])))].filter((ssrc) => Number.isFinite(ssrc) && !rtxSsrcs.has(ssrc)),
      rtxPayloadType: rtxPayload,
      rtxSsrcs,
    });
  }
  for (const mid of mids) if (!media.some((m) => m.mid === mid)) throw new Error(`the offer has no m-line with mid ${mid}`);
  const anchor = media.find((m) => mids.includes(m.mid) && m.payloadType !== null && sections.find((s) => s.mid === m.mid)!.port !== 0);
  if (!anchor) throw new Error('the offer has no VP8 or Opus m-line to receive');
  const anchorSection = sections.find((s) => s.mid === anchor.mid)!;
  const forStack = [
    ...session.map((l) => (l.startsWith('a=group:BUNDLE') ? `a=group:BUNDLE ${anchor.mid}` : l)),
    ...filteredSection(anchorSection, [anchor.payloadType!]),
  ].join(EOL);
  const iceUfrag = attribute(anchorSection.lines, 'ice-ufrag') ?? attribute(session, 'ice-ufrag') ?? null;
  return { media, anchorMid: anchor.mid, forStack: forStack + EOL, extensions: extensionIds(sections), iceUfrag, sections };
}

/** A section with only the accepted codec (and its RTX), feedback and header extensions. */
function filteredSection(section: Section, payloadTypes: readonly number[]): string[] {
  const pts = payloadTypes.map(String);
  return section.lines
    .map((line, i) => (i === 0 ? `m=${section.kind} ${section.port} ${section.proto} ${pts.join(' ')}` : line))
    .filter((line) => {
      const codecLine = /^a=(rtpmap|fmtp|rtcp-fb):(\S+)(?: (.*))?$/.exec(line);
      if (codecLine) {
        if (!pts.includes(codecLine[2]!) && codecLine[2] !== '*') return false;
        return codecLine[1] !== 'rtcp-fb' || ACCEPTED_FEEDBACK.test(codecLine[3] ?? '');
      }
      const extmap = /^a=extmap:\d+(?:\/\w+)? (\S+)/.exec(line);
      if (extmap) return ACCEPTED_EXTENSIONS.has(extmap[1]!);
      return !line.startsWith('a=ssrc-group:');
    });
}

/**
 * The SFU's answer to a publisher's offer: every m-line of a slot received (simulcast rids
 * included), the others rejected, on the transport of libdatachannel's answer to `forStack`.
 */
export function publishAnswer(offer: PublishOffer, stackAnswer: string, mids: readonly string[], version: number): string {
  const answered = parse(stackAnswer);
  const transportSection = answered.sections[0];
  if (!transportSection) throw new Error("libdatachannel's answer has no m-line");
  // libdatachannel writes some of these at session level (the fingerprint), some per m-line.
  const transport = [...answered.session, ...transportSection.lines].filter((l) => TRANSPORT_LINE.test(l));
  const names = transport.map((l) => l.slice(0, l.indexOf(':')));
  const uniqueTransport = transport.filter((l, i) => names.lastIndexOf(names[i]!) === i);
  const candidates = transportSection.lines.filter((l) => l.startsWith('a=candidate:') || l === 'a=end-of-candidates');
  const bundle: string[] = [];
  const out: string[][] = [];
  for (const section of offer.sections) {
    const media = offer.media.find((m) => m.mid === section.mid);
    const accepted = media && mids.includes(media.mid) && media.payloadType !== null && section.port !== 0;
    if (!media || !accepted) {
      const kind = section.kind;
      out.push([
        `m=${kind} 0 ${section.proto} ${section.lines[0]!.split(' ').slice(3).join(' ') || '0'}`,
        'c=IN IP4 0.0.0.0',
        ...(section.mid === null ? [] : [`a=mid:${section.mid}`]),
        'a=inactive',
      ]);
      continue;
    }
    bundle.push(media.mid);
    const payloadTypes = [media.payloadType!, ...(media.rtxPayloadType === null ? [] : [media.rtxPayloadType])];
    const kept = filteredSection(section, payloadTypes);
    const lines = [
      `m=${section.kind} 9 ${section.proto} ${payloadTypes.join(' ')}`,
      'c=IN IP4 0.0.0.0',
      `a=mid:${media.mid}`,
      ...kept.filter((l) => l.startsWith('a=extmap:')),
      media.sending ? 'a=recvonly' : 'a=inactive',
      'a=rtcp-mux',
      ...(kept.includes('a=rtcp-rsize') ? ['a=rtcp-rsize'] : []),
      ...kept.filter((l) => /^a=(rtpmap|fmtp|rtcp-fb):/.test(l)),
      ...(media.rids.length > 1 && media.sending ? [...media.rids.map((rid) => `a=rid:${rid} recv`), `a=simulcast:recv ${media.rids.join(';')}`] : []),
      ...uniqueTransport,
    ];
    out.push(lines);
  }
  // Candidates go with the first bundled m-line (the bundle's transport).
  const first = out.find((lines) => lines.some((l) => l === `a=mid:${bundle[0]}`));
  first?.push(...candidates);
  const origin = answered.session.find((l) => l.startsWith('o='))?.split(' ') ?? ['o=-', '0', '0', 'IN', 'IP4', '127.0.0.1'];
  origin[2] = String(version);
  const session = ['v=0', origin.join(' '), 's=-', 't=0 0', ...(bundle.length ? [`a=group:BUNDLE ${bundle.join(' ')}`] : []), 'a=msid-semantic:WMS'];
  return [...session, ...out.flat()].join(EOL) + EOL;
}

/** One m-line of a subscriber's connection and what it carries now (null: nothing). */
export interface OfferedTrack {
  mid: string;
  ssrc: number;
  carries: { from: string; slot: MediaSlot } | null;
}

/**
 * The offer libdatachannel made for a subscriber's connection, as sent: its session version is
 * the revision, and each m-line's msid names whose media it carries (a stream per participant,
 * so a browser keeps their audio and video in sync).
 *
 * The SFU takes the DTLS client's part (`a=setup:active`; a browser answers `passive`). As the
 * server it would meet the subscriber's ClientHello the moment ICE connects, which can be while
 * libdatachannel is still taking in the answer, before it knows the fingerprint to check the
 * certificate against: it refuses the handshake and the connection fails. As the client it only
 * sends its ClientHello once it has the answer.
 *
 * No `goog-remb`: a browser's receiving-side estimate is no use to the SFU (`downlink.ts`), and
 * without it the browser does not make one.
 */
export function subscribeOffer(stackOffer: string, revision: number, tracks: readonly OfferedTrack[]): string {
  const byMid = new Map(tracks.map((t) => [t.mid, t]));
  const { session, sections } = parse(stackOffer);
  const head = session.map((line) => {
    if (line === 'a=setup:actpass') return 'a=setup:active';
    if (!line.startsWith('o=')) return line;
    const origin = line.split(' ');
    origin[2] = String(revision);
    return origin.join(' ');
  });
  const body = sections.map((section) => {
    const track = section.mid === null ? undefined : byMid.get(section.mid);
    const lines = section.lines.flatMap((line) => {
      if (line === 'a=setup:actpass') return ['a=setup:active'];
      if (/ goog-remb$/.test(line)) return [];
      // libdatachannel writes RTX in capitals; browsers compare names without case, but say it as they do.
      return [line.replace(/^(a=rtpmap:\d+ )RTX\//, '$1rtx/')];
    });
    const msid = track?.carries ? `${track.carries.from} ${track.carries.slot}-${track.mid}` : null;
    const rewritten = lines.map((line) => {
      if (msid === null) return line;
      if (line.startsWith('a=msid:')) return `a=msid:${msid}`;
      // Every SSRC of the line (the media's and its RTX's) belongs to the same track.
      const ssrcMsid = /^a=ssrc:(\d+) msid:/.exec(line);
      return ssrcMsid ? `a=ssrc:${ssrcMsid[1]} msid:${msid}` : line;
    });
    // libdatachannel repeats `a=msid` for each SSRC it announces: once is what a browser expects.
    return rewritten.filter((line, i) => !line.startsWith('a=msid:') || rewritten.indexOf(line) === i);
  });
  return [...head, ...body.flat()].join(EOL) + EOL;
}

/**
 * The mids of a subscriber's answer whose m-line kept RTX for `payloadType` (an `rtx` rtpmap with
 * `apt=payloadType` and that payload type in its format list): the SFU resends on them as RTX,
 * on the others as the plain packet.
 */
export function answeredRtx(answer: string, payloadType: number, rtxPayloadType: number): Set<string> {
  const mids = new Set<string>();
  for (const section of parse(answer).sections) {
    if (section.kind !== 'video' || section.mid === null || section.port === 0) continue;
    const formats = section.lines[0]!.split(' ').slice(3);
    if (!formats.includes(String(rtxPayloadType))) continue;
    if (rtxPayloadTypeOf(section, payloadType) === rtxPayloadType) mids.add(section.mid);
  }
  return mids;
}
