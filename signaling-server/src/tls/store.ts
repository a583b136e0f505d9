import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprintOf } from './fingerprint.js';
import { createSelfSignedCertificate, type SelfSignedOptions, type TlsCredentials } from './self-signed.js';

export interface StoredCertificate extends TlsCredentials {
  /** True when this call made the certificate (first use, or the old one was unusable or expiring). */
  created: boolean;
  notAfter: Date;
  certPath: string;
  keyPath: string;
}

export interface CertificateStoreOptions extends SelfSignedOptions {
  /** The data folder; the files go in its `tls/` subfolder. */
  dataDir: string;
  /** A certificate that expires sooner than this is replaced (default 30 days). */
  renewBeforeDays?: number;
}

export const CERT_FILE = 'certificate.pem';
export const KEY_FILE = 'private-key.pem';

/**
 * The server's own certificate: made on first use and kept in `<dataDir>/tls/`, then reused, so
 * its fingerprint stays the same from one meeting to the next. A missing, unreadable, mismatched
 * or nearly expired pair is replaced.
 */
export async function loadOrCreateCertificate(options: CertificateStoreOptions): Promise<StoredCertificate> {
  const dir = join(options.dataDir, 'tls');
  const certPath = join(dir, CERT_FILE);
  const keyPath = join(dir, KEY_FILE);
  const now = options.now ?? new Date();
  const renewBefore = (options.renewBeforeDays ?? 30) * 86_400_000;

  const existing = await readPair(certPath, keyPath);
  if (existing && existing.notAfter.getTime() - now.getTime() > renewBefore && existing.notBefore.getTime() <= now.getTime() + 60 * 60 * 1000) {
    return { ...existing.credentials, created: false, notAfter: existing.notAfter, certPath, keyPath };
  }

  const made = createSelfSignedCertificate(options);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Write-then-rename: a crash never leaves half a key or a certificate without its key.
  await writeFile(`${keyPath}.tmp`, made.key, { mode: 0o600 });
  await writeFile(`${certPath}.tmp`, made.cert, { mode: 0o644 });
  await rename(`${keyPath}.tmp`, keyPath);
  await rename(`${certPath}.tmp`, certPath);
  return { ...made, created: true, notAfter: new Date(new X509Certificate(made.cert).validTo), certPath, keyPath };
}

/** Reads a certificate and key given as files (--tls-cert/--tls-key) and checks they belong together. */
export async function readCertificateFiles(certPath: string, keyPath: string): Promise<TlsCredentials & { notAfter: Date }> {
  const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new Error(`${certPath} is not a PEM certificate (${(error as Error).message})`);
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch (error) {
    throw new Error(`${keyPath} is not a PEM private key (${(error as Error).message})`);
  }
  if (!matches) throw new Error(`${keyPath} is not the private key of ${certPath}`);
  return { cert, key, fingerprint: fingerprintOf(x509.raw), notAfter: new Date(x509.validTo) };
}

async function readPair(certPath: string, keyPath: string) {
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return null;
    return {
      credentials: { cert, key, fingerprint: fingerprintOf(x509.raw) },
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
    };
  } catch {
    return null;
  }
}
