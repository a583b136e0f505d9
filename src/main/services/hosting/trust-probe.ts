import { isIP } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { fingerprintOf } from '@roundtable/signaling-server';
import { endpointLabel, endpointOf } from './certificate-pins';

/** What a server presented, and whether the usual checks (a trusted authority, the right name) accept it. */
export interface PresentedCertificate {
  /** SHA-256 of the certificate (canonical base64url). */
  fingerprint: string;
  trusted: boolean;
  /** Why it is not trusted (OpenSSL's or Node's code, e.g. DEPTH_ZERO_SELF_SIGNED_CERT), or null. */
  reason: string | null;
}

export interface TrustProbeOptions {
  timeoutMs?: number;
  /** The authorities to trust instead of Node's usual ones (tests). */
  ca?: string[];
}

/**
 * Connects to `server` (https://host:port) over TLS, checks its certificate the usual way (chain
 * to a trusted authority, name or address matches) without refusing it, and hangs up without
 * sending anything.
 */
export function probeTrust(server: string, options: TrustProbeOptions = {}): Promise<PresentedCertificate> {
  const endpoint = endpointOf(server);
  if (!endpoint) return Promise.reject(new Error(`${server} is not an https:// address`));
  const { host, port } = endpoint;
  const where = endpointLabel(endpoint);
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const tlsOptions: ConnectionOptions = {
      host,
      port,
      rejectUnauthorized: false,
      ...(isIP(host) ? {} : { servername: host }),
      ...(options.ca ? { ca: options.ca } : {}),
    };
    const socket = connect(tlsOptions, () => {
      const peer = socket.getPeerCertificate(false);
      const authorized = socket.authorized;
      const reason = authorized ? null : String(socket.authorizationError ?? 'unknown');
      socket.destroy();
      if (!peer?.raw) return reject(new Error(`the server at ${where} presented no certificate`));
      resolve({ fingerprint: fingerprintOf(peer.raw), trusted: authorized, reason });
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS answer from ${where} within ${timeoutMs} ms`)));
    socket.once('error', (error) => reject(new Error(`cannot reach ${where}: ${error.message}`)));
  });
}
