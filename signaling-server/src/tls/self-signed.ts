import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicit,
  namedBits,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';
import { fingerprintOf } from './fingerprint.js';

/** A certificate and its private key, both PEM, with the certificate's SHA-256 fingerprint. */
export interface TlsCredentials {
  cert: string;
  key: string;
  /** SHA-256 of the certificate (DER), base64url: what invite links carry. */
  fingerprint: string;
}

export interface SelfSignedOptions {
  commonName: string;
  /** Host names the certificate names (subjectAltName dNSName). */
  dnsNames?: readonly string[];
  /** Addresses the certificate names (subjectAltName iPAddress), IPv4 or IPv6. */
  ipAddresses?: readonly string[];
  /** 397 days by default: the longest a browser accepts for a server certificate. */
  validityDays?: number;
  now?: Date;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

export const DEFAULT_VALIDITY_DAYS = 397;

/**
 * Makes a self-signed ECDSA P-256 server certificate with node:crypto alone. Nobody is meant to
 * trust it through a CA: the app pins its fingerprint, and a browser guest accepts it once.
 */
export function createSelfSignedCertificate(options: SelfSignedOptions): TlsCredentials {
  const now = options.now ?? new Date();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });

  const name = sequence(
    set(sequence(objectIdentifier(OID.organization), utf8String('Roundtable'))),
    set(sequence(objectIdentifier(OID.commonName), utf8String(options.commonName.slice(0, 64)))),
  );
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000); // an hour of slack for clocks
  const notAfter = new Date(now.getTime() + (options.validityDays ?? DEFAULT_VALIDITY_DAYS) * 86_400_000);
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));

  const altNames = [
    ...(options.dnsNames ?? []).filter((n) => /^[A-Za-z0-9.-]{1,253}$/.test(n)).map((n) => implicit(2, Buffer.from(n, 'ascii'))),
    ...(options.ipAddresses ?? []).flatMap((ip) => {
      const bytes = ipBytes(ip);
      return bytes ? [implicit(7, bytes)] : [];
    }),
  ];
  const extensions = [
    sequence(objectIdentifier(OID.basicConstraints), boolean(true), octetString(sequence())),
    // digitalSignature (0): an ECDSA key signs the TLS handshake.
    sequence(objectIdentifier(OID.keyUsage), boolean(true), octetString(namedBits([0]))),
    sequence(objectIdentifier(OID.extKeyUsage), octetString(sequence(objectIdentifier(OID.serverAuth)))),
    ...(altNames.length > 0 ? [sequence(objectIdentifier(OID.subjectAltName), octetString(sequence(...altNames)))] : []),
  ];

  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // positive, and non-zero in practice
  serial[0]! |= 0x01;
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = sequence(tbs, algorithm, bitString(signature));

  const cert = toPem(der, 'CERTIFICATE');
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // Parse it back: node:crypto must agree that this is a certificate for this key.
  const parsed = new X509Certificate(cert);
  if (!parsed.checkPrivateKey(createPrivateKey(key)) || !parsed.verify(createPublicKey(key))) {
    throw new Error('the generated certificate does not match its key');
  }
  return { cert, key, fingerprint: fingerprintOf(cert) };
}

function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function ipBytes(ip: string): Buffer | null {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!isIPv6(ip)) return null;
  const [head = '', tail] = ip.split('%')[0]!.split('::') as [string, string | undefined];
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  if (ip.includes('.')) return null; // IPv4-mapped forms are not worth naming
  const all = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (all.length !== 8) return null;
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}
