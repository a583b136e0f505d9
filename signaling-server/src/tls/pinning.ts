import { Agent, type AgentOptions } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { fingerprintOf, formatFingerprint, parseFingerprint } from './fingerprint.js';

/** The server showed a certificate other than the one the invite pinned: nothing was sent to it. */
export class CertificatePinError extends Error {
  readonly code = 'certificate-mismatch';
  constructor(
    readonly host: string,
    readonly expected: string,
    readonly presented: string | null,
  ) {
    super(
      presented === null
        ? `The server at ${host} presented no certificate, but the invite expects ${formatFingerprint(expected)}. Not connecting.`
        : `The server at ${host} presented a different certificate than the invite expects ` +
            `(expected ${formatFingerprint(expected)}, got ${formatFingerprint(presented)}). ` +
            'Someone may be intercepting the connection; not connecting.',
    );
    this.name = 'CertificatePinError';
  }
}

function peerFingerprint(socket: TLSSocket): string | null {
  const peer = socket.getPeerCertificate(false);
  return peer && peer.raw ? fingerprintOf(peer.raw) : null;
}

function tlsTarget(url: string): { host: string; port: number; label: string } {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'wss:') throw new Error(`${url} is not an https:// or wss:// address`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return { host, port: Number(parsed.port || 443), label: parsed.host };
}

/**
 * Connects to `url` over TLS, reads the certificate the server presents and hangs up without
 * sending anything. Resolves with its fingerprint (base64url).
 */
export function probeCertificate(url: string, timeoutMs = 5000): Promise<string> {
  const { host, port, label } = tlsTarget(url);
  return new Promise((resolve, reject) => {
    const options: ConnectionOptions = { host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) };
    const socket = connect(options, () => {
      const fingerprint = peerFingerprint(socket);
      socket.destroy();
      if (fingerprint) resolve(fingerprint);
      else reject(new Error(`the server at ${label} presented no certificate`));
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS answer from ${label} within ${timeoutMs} ms`)));
    socket.once('error', (error) => reject(new Error(`cannot reach ${label}: ${error.message}`)));
  });
}

/** Checks that the server at `url` presents exactly the pinned certificate; throws CertificatePinError if not. */
export async function verifyPinnedServer(url: string, expected: string, timeoutMs?: number): Promise<void> {
  const pinned = parseFingerprint(expected);
  if (!pinned) throw new Error(`"${expected}" is not a SHA-256 certificate fingerprint`);
  const presented = await probeCertificate(url, timeoutMs);
  if (presented !== pinned) throw new CertificatePinError(tlsTarget(url).label, pinned, presented);
}

/**
 * An https.Agent that accepts exactly one certificate, whoever signed it, and refuses every
 * other with a CertificatePinError (for Node clients such as socket.io-client or fetch-likes).
 */
export function createPinnedAgent(expected: string, options: AgentOptions = {}): Agent {
  const parsed = parseFingerprint(expected);
  if (!parsed) throw new Error(`"${expected}" is not a SHA-256 certificate fingerprint`);
  const pinned: string = parsed;
  class PinnedAgent extends Agent {
    override createConnection(connectOptions: ConnectionOptions, callback?: (error: Error | null, socket: Socket) => void): Socket {
      const socket = connect({ ...connectOptions, rejectUnauthorized: false });
      socket.once('secureConnect', () => {
        const presented = peerFingerprint(socket);
        if (presented !== pinned) {
          const host = `${connectOptions.host ?? 'localhost'}:${connectOptions.port ?? 443}`;
          socket.destroy(new CertificatePinError(host, pinned, presented));
        }
      });
      // The agent takes the returned socket; `callback` is only for asynchronous creation.
      void callback;
      return socket;
    }
  }
  return new PinnedAgent({ ...options, keepAlive: false });
}
