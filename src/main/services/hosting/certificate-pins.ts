import { X509Certificate } from 'node:crypto';
import { fingerprintOf, formatFingerprint, parseFingerprint } from '@roundtable/signaling-server';

export type PinVerdict =
  /** The host is pinned and presented the pinned certificate: accept it, whoever signed it. */
  | { verdict: 'accept' }
  /** The host is pinned and presented another certificate: refuse, and say so. */
  | { verdict: 'refuse'; host: string; presented: string | null; message: string }
  /** Nothing pinned for this host: ordinary certificate checks apply. */
  | { verdict: 'default' };

function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
}

/**
 * The certificates the app expects, by host: filled from invite links, from meetings found on
 * the network and from the app's own hosted meeting. Electron's certificate check sees host names
 * without ports, so a host may have several pinned certificates (one per server on it); anything
 * else it presents is refused.
 */
export class CertificatePins {
  private readonly pins = new Map<string, Set<string>>();

  /** Pins `fingerprint` for the host of `server` (an origin or a bare host name). */
  pin(server: string, fingerprint: string): void {
    const canonical = parseFingerprint(fingerprint);
    if (!canonical) throw new Error(`"${fingerprint}" is not a SHA-256 certificate fingerprint`);
    const host = normalizeHost(/^[a-z]+:\/\//i.test(server) ? new URL(server).hostname : server);
    let set = this.pins.get(host);
    if (!set) this.pins.set(host, (set = new Set()));
    set.add(canonical);
  }

  isPinned(host: string): boolean {
    return this.pins.has(normalizeHost(host));
  }

  /** What to do with the certificate (PEM, as Electron gives it) that `hostname` presented. */
  decide(hostname: string, certificatePem: string): PinVerdict {
    const host = normalizeHost(hostname);
    const expected = this.pins.get(host);
    if (!expected) return { verdict: 'default' };
    let presented: string | null = null;
    try {
      presented = fingerprintOf(new X509Certificate(certificatePem).raw);
    } catch {
      presented = null;
    }
    if (presented !== null && expected.has(presented)) return { verdict: 'accept' };
    const wanted = [...expected].map(formatFingerprint).join(' or ');
    return {
      verdict: 'refuse',
      host,
      presented,
      message:
        `Roundtable refused the connection to ${host}: its certificate ` +
        `${presented ? `(${formatFingerprint(presented)}) ` : ''}is not the one the invite named (${wanted}). ` +
        'Someone on the network may be intercepting the meeting.',
    };
  }
}
