import { X509Certificate } from 'node:crypto';
import { fingerprintOf, formatFingerprint, parseFingerprint } from '@roundtable/signaling-server';
import { eitherOf, type Translate } from '../../text/desktop-text';

/** The app refused a certificate because it is not the one pinned for where it came from. */
export interface PinRefusal {
  verdict: 'refuse';
  /** `host` or `host:port`, as people read it. */
  host: string;
  /** The presented certificate's fingerprint (canonical), or null when it could not be read. */
  presented: string | null;
  /** The fingerprints (canonical) pinned there: any of them would have been accepted. */
  expected: string[];
  /** In English, for logs: the app words it from the fields above. */
  message: string;
}

/** Why a connection was refused (a certificate that is not the pinned one), in the language of `t`. */
export function refusalText(t: Translate, refusal: Pick<PinRefusal, 'host' | 'presented' | 'expected'>): string {
  return t('notices.certificateRefused', {
    host: refusal.host,
    presented: refusal.presented === null ? 'none' : formatFingerprint(refusal.presented),
    expected: eitherOf(t, refusal.expected.map(formatFingerprint)),
  });
}

/** Electron's certificate check, which sees the host name but not the port. */
export type HostVerdict =
  /** The host has pins and the certificate matches none of them: refuse it outright. */
  | PinRefusal
  /** Nothing pinned for the host, or the certificate is pinned for one of its ports: Chromium decides (and a self-signed one comes back as a certificate error, where the port is known). */
  | { verdict: 'chromium' };

/** Chromium found a certificate error for a URL (so the port is known). */
export type CertificateErrorVerdict =
  /** Exactly the certificate pinned for this host:port: accept it, whoever signed it. */
  | { verdict: 'accept' }
  /** Something else is pinned for this host:port: refuse, and say so. */
  | PinRefusal
  /** Nothing pinned for this host:port: the error stands. */
  | { verdict: 'default' };

export interface Pin {
  /** `https://host:port` */
  server: string;
  fingerprint: string;
}

export interface Endpoint {
  host: string;
  port: number;
}

function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
}

const DEFAULT_PORTS: Record<string, number> = { 'https:': 443, 'wss:': 443 };

/** Where a TLS connection to `server` (an https:// or wss:// URL) goes; null for anything else. */
export function endpointOf(server: string): Endpoint | null {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return null;
  }
  const fallback = DEFAULT_PORTS[url.protocol];
  if (fallback === undefined) return null;
  return { host: normalizeHost(url.hostname), port: url.port ? Number(url.port) : fallback };
}

/** `host:port`, with brackets around an IPv6 host. */
export function endpointLabel({ host, port }: Endpoint): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Whether two https:// addresses name the same host:port. */
export function sameEndpoint(a: string, b: string): boolean {
  const x = endpointOf(a);
  const y = endpointOf(b);
  return x !== null && y !== null && x.host === y.host && x.port === y.port;
}

function presentedFingerprint(certificatePem: string): string | null {
  try {
    return fingerprintOf(new X509Certificate(certificatePem).raw);
  } catch {
    return null;
  }
}

/**
 * The certificates the app accepts without the usual CA checks: exactly one per host:port, for a
 * meeting the person chose (an invite link, a meeting found on the network, a fingerprint they
 * compared) once the server was seen to present it, and for the app's own hosted meeting. This
 * class only keeps and applies them; who may set or drop a pin is decided by its callers (see
 * hosting-handlers.ts and meeting-pins.ts).
 */
export class CertificatePins {
  /** host -> port -> fingerprint (canonical). */
  private readonly pins = new Map<string, Map<number, string>>();
  private readonly listeners = new Set<() => void>();

  /** Pins `fingerprint` for the host:port of `server` (an https:// origin), replacing what was pinned there. */
  pin(server: string, fingerprint: string): void {
    const canonical = parseFingerprint(fingerprint);
    if (!canonical) throw new Error(`"${fingerprint}" is not a SHA-256 certificate fingerprint`);
    const endpoint = endpointOf(server);
    if (!endpoint) throw new Error(`${server} is not an https:// address`);
    let ports = this.pins.get(endpoint.host);
    if (!ports) this.pins.set(endpoint.host, (ports = new Map()));
    if (ports.get(endpoint.port) === canonical) return;
    ports.set(endpoint.port, canonical);
    this.changed();
  }

  /** Drops the pin of `server`'s host:port, if any. */
  unpin(server: string): void {
    const endpoint = endpointOf(server);
    const ports = endpoint && this.pins.get(endpoint.host);
    if (!endpoint || !ports?.delete(endpoint.port)) return;
    if (ports.size === 0) this.pins.delete(endpoint.host);
    this.changed();
  }

  /** The fingerprint pinned for `server`'s host:port, or null. */
  get(server: string): string | null {
    const endpoint = endpointOf(server);
    return (endpoint && this.pins.get(endpoint.host)?.get(endpoint.port)) ?? null;
  }

  /** Every pin, as `https://host:port`. */
  list(): Pin[] {
    return [...this.pins].flatMap(([host, ports]) =>
      [...ports].map(([port, fingerprint]) => ({ server: `https://${endpointLabel({ host, port })}`, fingerprint })),
    );
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Electron's certificate check (host name only, no port; PEM as Electron gives it): a certificate
   * that matches none of the host's pins is refused; otherwise Chromium decides, and a self-signed
   * certificate comes back through certificateError() with the URL, where its port is checked.
   */
  decideHost(hostname: string, certificatePem: string): HostVerdict {
    const host = normalizeHost(hostname);
    const ports = this.pins.get(host);
    if (!ports) return { verdict: 'chromium' };
    const presented = presentedFingerprint(certificatePem);
    if (presented !== null && [...ports.values()].includes(presented)) return { verdict: 'chromium' };
    return this.refusal(host.includes(':') ? `[${host}]` : host, presented, [...new Set(ports.values())]);
  }

  /** Chromium's certificate error for `url` (which names the port): accepted only for exactly the certificate pinned for that host:port. */
  certificateError(url: string, certificatePem: string): CertificateErrorVerdict {
    const endpoint = endpointOf(url);
    const expected = endpoint && this.pins.get(endpoint.host)?.get(endpoint.port);
    if (!endpoint || !expected) return { verdict: 'default' };
    const presented = presentedFingerprint(certificatePem);
    if (presented === expected) return { verdict: 'accept' };
    return this.refusal(endpointLabel(endpoint), presented, [expected]);
  }

  private refusal(host: string, presented: string | null, expected: string[]): PinRefusal {
    return {
      verdict: 'refuse',
      host,
      presented,
      expected,
      message:
        `Roundtable refused the connection to ${host}: its certificate ` +
        `${presented ? `(${formatFingerprint(presented)}) ` : ''}is not the one you joined with (${expected.map(formatFingerprint).join(' or ')}). ` +
        'Someone on the network may be intercepting the meeting.',
    };
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
