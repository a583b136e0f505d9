/**
 * Two copies of one description: the same origin line (`o=`: session id and version). The version
 * goes up with every new offer or answer a connection makes; the candidates gathered since it
 * was made, which a copy sent again carries, leave it as it was.
 */
export function sameDescription(a: string, b: string): boolean {
  const origin = (sdp: string): string | null => /^o=(.+)$/m.exec(sdp)?.[1]?.trim() ?? null;
  return origin(a) !== null && origin(a) === origin(b);
}

/** The `a=fingerprint` of an SDP: which DTLS certificate that side's connection uses. */
export function fingerprintOf(sdp: string): string | null {
  return /^a=fingerprint:(.+)$/m.exec(sdp)?.[1]?.trim() ?? null;
}
