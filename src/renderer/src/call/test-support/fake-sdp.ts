/**
 * The fake connection's session descriptions: real SDP lines, only the ones the call engine and the
 * fake read. The origin line (`o=`) carries the session id and a version that goes up with every
 * new offer or answer; `a=fingerprint` stands for the connection's DTLS certificate; `a=ice-ufrag`
 * changes with an ICE restart; each m-line is one transceiver (its kind, mid and direction).
 */
export interface FakeSection {
  kind: 'audio' | 'video';
  mid: string;
  direction: RTCRtpTransceiverDirection;
}

export interface FakeDescription {
  session: string;
  version: number;
  fingerprint: string;
  ufrag: string;
  sections: FakeSection[];
  candidates: string[];
}

export function writeSdp(d: FakeDescription): string {
  const lines = [
    'v=0',
    `o=- ${d.session} ${d.version} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${d.sections.map((s) => s.mid).join(' ')}`,
    `a=fingerprint:sha-256 ${d.fingerprint}`,
    `a=ice-ufrag:${d.ufrag}`,
  ];
  for (const section of d.sections) {
    lines.push(`m=${section.kind} 9 UDP/TLS/RTP/SAVPF ${section.kind === 'audio' ? 111 : 96}`, `a=mid:${section.mid}`, `a=${section.direction}`);
  }
  for (const candidate of d.candidates) lines.push(`a=${candidate}`);
  return `${lines.join('\r\n')}\r\n`;
}

const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

export function readSdp(sdp: string): FakeDescription {
  const origin = /^o=- (\S+) (\d+) /m.exec(sdp);
  const fingerprint = /^a=fingerprint:sha-256 (.+)$/m.exec(sdp)?.[1]?.trim();
  const ufrag = /^a=ice-ufrag:(.+)$/m.exec(sdp)?.[1]?.trim();
  if (!origin?.[1] || !origin[2] || !fingerprint || !ufrag) throw new Error(`not a fake SDP: ${sdp.slice(0, 80)}`);
  const sections: FakeSection[] = [];
  for (const part of sdp.split(/^m=/m).slice(1)) {
    const kind = part.startsWith('audio') ? 'audio' : 'video';
    const mid = /^a=mid:(.+)$/m.exec(part)?.[1]?.trim() ?? '';
    const line = part.split(/\r?\n/).find((l) => DIRECTIONS.includes(l.slice(2)));
    const direction = (line?.slice(2) ?? 'sendrecv') as RTCRtpTransceiverDirection;
    sections.push({ kind, mid, direction });
  }
  const candidates = [...sdp.matchAll(/^a=(candidate:.+)$/gm)].map((m) => m[1]!.trim());
  return { session: origin[1], version: Number(origin[2]), fingerprint, ufrag, sections, candidates };
}

const sends = (d: RTCRtpTransceiverDirection): boolean => d === 'sendrecv' || d === 'sendonly';
const receives = (d: RTCRtpTransceiverDirection): boolean => d === 'sendrecv' || d === 'recvonly';

function directionOf(send: boolean, receive: boolean): RTCRtpTransceiverDirection {
  if (send) return receive ? 'sendrecv' : 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}

/** The direction as the other side sees it. */
export const reverse = (d: RTCRtpTransceiverDirection): RTCRtpTransceiverDirection => directionOf(receives(d), sends(d));

/** What both allow. */
export const intersect = (a: RTCRtpTransceiverDirection, b: RTCRtpTransceiverDirection): RTCRtpTransceiverDirection =>
  directionOf(sends(a) && sends(b), receives(a) && receives(b));

export { sends };
