/**
 * Small SDP edits. node-datachannel answers a simulcast offer by copying the offer's m-line with the
 * direction flipped, `a=rid:x send` and `a=simulcast:send` included, and it accepts every codec and
 * header extension offered; these put right what the SFU must say instead.
 */

const EOL = '\r\n';

function split(sdp: string): { session: string[]; media: string[][] } {
  const lines = sdp.split(/\r?\n/).filter((line) => line.length > 0);
  const session: string[] = [];
  const media: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) media.push([line]);
    else if (media.length) media[media.length - 1]!.push(line);
    else session.push(line);
  }
  return { session, media };
}

const join = (session: string[], media: string[][]): string => [...session, ...media.flat()].join(EOL) + EOL;

/** Keeps only the named codecs (e.g. VP8, opus) in every m-line, with their fmtp and rtcp-fb lines. */
export function keepCodecs(sdp: string, names: readonly string[]): string {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const { session, media } = split(sdp);
  const out = media.map((section) => {
    const keep = new Set<string>();
    for (const line of section) {
      const m = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line);
      if (m && wanted.has(m[2]!.toLowerCase())) keep.add(m[1]!);
    }
    if (keep.size === 0) return section; // e.g. the data channel's m-line
    return section
      .map((line, i) => {
        if (i !== 0) return line;
        const [m, port, proto] = line.split(' ');
        return [
          m,
          port,
          proto,
          ...line
            .split(' ')
            .slice(3)
            .filter((pt) => keep.has(pt)),
        ].join(' ');
      })
      .filter((line) => {
        const m = /^a=(rtpmap|fmtp|rtcp-fb):(\d+|\*)/.exec(line);
        return !m || m[2] === '*' || keep.has(m[2]!);
      });
  });
  return join(session, out);
}

/** Removes a header extension everywhere. */
export function dropExtension(sdp: string, uri: string): string {
  const { session, media } = split(sdp);
  return join(
    session,
    media.map((section) => section.filter((line) => !(line.startsWith('a=extmap:') && line.includes(` ${uri}`)))),
  );
}

/** Removes an RTCP feedback type (e.g. transport-cc) everywhere. */
export function dropFeedback(sdp: string, type: string): string {
  const { session, media } = split(sdp);
  return join(
    session,
    media.map((section) => section.filter((line) => !new RegExp(`^a=rtcp-fb:\\S+ ${type}$`).test(line))),
  );
}

/** An answer to a simulcast offer receives the offered rids. */
export function simulcastAnswer(answer: string): string {
  return answer.replace(/^a=rid:(\S+) send/gm, 'a=rid:$1 recv').replace(/^a=simulcast:send /gm, 'a=simulcast:recv ');
}

/** The rids a description sends (`a=rid:x send`). */
export function sentRids(sdp: string): string[] {
  return [...sdp.matchAll(/^a=rid:(\S+) send/gm)].map((m) => m[1]!);
}

/** The first SSRC an m-line of this kind announces, or null. */
export function announcedSsrc(sdp: string, kind: 'audio' | 'video'): number | null {
  const { media } = split(sdp);
  const section = media.find((s) => s[0]!.startsWith(`m=${kind}`));
  const line = section?.find((l) => l.startsWith('a=ssrc:'));
  return line ? Number(/^a=ssrc:(\d+)/.exec(line)?.[1]) : null;
}

/** Keeps only the ICE candidates on `address` (the SFU listens on loopback only). */
export function candidatesOn(sdp: string, address: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .filter((line) => !line.startsWith('a=candidate:') || line.split(' ')[4] === address)
    .join(EOL)
    .concat(EOL);
}

const midOf = (section: string[]): string | undefined => section.find((l) => l.startsWith('a=mid:'))?.slice(6);

/**
 * libdatachannel routes incoming RTP to a track by the SSRCs its m-line announces, except when the
 * connection has a single track, which then gets everything. A simulcast m-line announces no SSRCs,
 * so beside another m-line its packets are dropped. The way round: give libdatachannel the offer's
 * `kind` m-line alone (`only`), answer the others here (`answerOthers`) and demultiplex in JS.
 */
export function onlyMedia(offer: string, kind: 'audio' | 'video'): { sdp: string; mid: string } {
  const { session, media } = split(offer);
  const keep = media.find((s) => s[0]!.startsWith(`m=${kind}`));
  if (!keep) throw new Error(`the offer has no ${kind}`);
  const mid = midOf(keep) ?? '0';
  return {
    sdp: join(
      session.map((l) => (l.startsWith('a=group:BUNDLE') ? `a=group:BUNDLE ${mid}` : l)),
      [keep],
    ),
    mid,
  };
}

/** Completes libdatachannel's answer to `onlyMedia`'s offer: the other m-lines, received on the same transport. */
export function answerOthers(answer: string, offer: string, codecs: readonly string[]): string {
  const ours = split(answer);
  const theirs = split(offer);
  const answered = ours.media[0];
  if (!answered) return answer;
  const transport = answered.filter((l) => /^a=(ice-ufrag|ice-pwd|fingerprint|setup|ice-options|candidate):|^a=end-of-candidates/.test(l));
  const wanted = new Set(codecs.map((c) => c.toLowerCase()));
  const sections = theirs.media.map((section) => {
    const mid = midOf(section);
    if (mid === midOf(answered)) return answered;
    const pts = section.flatMap((l) => {
      const m = /^a=rtpmap:(\d+) ([^/]+)\//.exec(l);
      return m && wanted.has(m[2]!.toLowerCase()) ? [m[1]!] : [];
    });
    const [kind] = section[0]!.slice(2).split(' ');
    if (!pts.length) return [`m=${kind} 0 UDP/TLS/RTP/SAVPF 0`, 'c=IN IP4 0.0.0.0', `a=mid:${mid}`, 'a=inactive'];
    const keep = (l: string): boolean => {
      const m = /^a=(rtpmap|fmtp|rtcp-fb):(\d+)/.exec(l);
      return m !== null && pts.includes(m[2]!);
    };
    return [
      `m=${kind} 9 UDP/TLS/RTP/SAVPF ${pts.join(' ')}`,
      'c=IN IP4 0.0.0.0',
      `a=mid:${mid}`,
      ...section.filter((l) => l.startsWith('a=extmap:')),
      'a=recvonly',
      'a=rtcp-mux',
      ...section.filter(keep),
      ...transport,
    ];
  });
  // The answered m-line tags the bundle (its transport is the one libdatachannel runs).
  const mids = [midOf(answered), ...sections.map(midOf).filter((m) => m !== midOf(answered))].filter((m) => m !== undefined);
  const session = ours.session.map((l) => (l.startsWith('a=group:BUNDLE') ? `a=group:BUNDLE ${mids.join(' ')}` : l));
  return join(session, sections);
}

/** SSRCs an m-line of this kind announces. */
export function announcedSsrcs(sdp: string, kind: 'audio' | 'video'): number[] {
  const { media } = split(sdp);
  return [
    ...new Set(
      media
        .filter((s) => s[0]!.startsWith(`m=${kind}`))
        .flatMap((s) => s.flatMap((l) => (/^a=ssrc:(\d+)/.exec(l) ? [Number(/^a=ssrc:(\d+)/.exec(l)![1])] : []))),
    ),
  ];
}
