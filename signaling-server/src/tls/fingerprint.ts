import { createHash, X509Certificate } from 'node:crypto';

/**
 * Certificate fingerprints. The canonical form is the SHA-256 of the certificate's DER encoding
 * as base64url without padding (43 characters): short enough for an invite link. People see it
 * as colon-separated hex, like browsers and OpenSSL show it.
 */

function derOf(cert: string | Buffer): Buffer {
  return Buffer.isBuffer(cert) ? cert : new X509Certificate(cert).raw;
}

/** The SHA-256 fingerprint of a certificate (PEM or DER), base64url. */
export function fingerprintOf(cert: string | Buffer): string {
  return createHash('sha256').update(derOf(cert)).digest('base64url');
}

/**
 * The SHA-256 of the certificate's public key (SubjectPublicKeyInfo), base64: what Chromium's
 * `--ignore-certificate-errors-spki-list` takes to accept exactly this key.
 */
export function spkiHashOf(cert: string | Buffer): string {
  const spki = new X509Certificate(derOf(cert)).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/**
 * Reads a SHA-256 fingerprint written in any usual way — base64url (ours), base64, Chromium's
 * `sha256/BASE64`, hex with or without colons — and returns the canonical form, or null.
 */
export function parseFingerprint(input: string): string | null {
  const text = input.trim().replace(/^sha256[/:=]/i, '');
  let bytes: Buffer | null = null;
  const hex = text.replace(/:/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex) && (text.includes(':') || hex.length === 64)) bytes = Buffer.from(hex, 'hex');
  else if (/^[A-Za-z0-9_-]{43}$/.test(text)) bytes = Buffer.from(text, 'base64url');
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(text)) bytes = Buffer.from(text, 'base64');
  return bytes && bytes.length === 32 ? bytes.toString('base64url') : null;
}

/** "AB:CD:…" — how a person compares fingerprints. */
export function formatFingerprint(fingerprint: string): string {
  const canonical = parseFingerprint(fingerprint);
  if (!canonical) return fingerprint;
  return Buffer.from(canonical, 'base64url').toString('hex').toUpperCase().match(/../g)!.join(':');
}
