import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSelfSignedCertificate,
  fingerprintOf,
  formatFingerprint,
  loadOrCreateCertificate,
  parseFingerprint,
  readCertificateFiles,
  spkiHashOf,
} from '../src/tls/index.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-tls-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('self-signed certificates', () => {
  it('are real X.509 server certificates for the names and addresses asked for', () => {
    const now = new Date('2026-11-01T12:00:00Z');
    const made = createSelfSignedCertificate({
      commonName: 'Roundtable on desk-7',
      dnsNames: ['desk-7.local', 'localhost'],
      ipAddresses: ['192.168.1.20', '127.0.0.1', 'fe80::1'],
      now,
    });
    const x509 = new X509Certificate(made.cert);
    expect(x509.subject).toContain('CN=Roundtable on desk-7');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.subjectAltName).toBe('DNS:desk-7.local, DNS:localhost, IP Address:192.168.1.20, IP Address:127.0.0.1, IP Address:FE80:0:0:0:0:0:0:1');
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(new Date(x509.validTo).getTime() - now.getTime()).toBe(397 * 86_400_000);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkIP('192.168.1.20')).toBe('192.168.1.20');
    expect(made.fingerprint).toBe(fingerprintOf(made.cert));
  });

  it('are different every time they are made', () => {
    const a = createSelfSignedCertificate({ commonName: 'a' });
    const b = createSelfSignedCertificate({ commonName: 'a' });
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(a.key).not.toBe(b.key);
  });

  it('serve TLS that a client trusting exactly this certificate accepts, by IP address', async () => {
    const made = createSelfSignedCertificate({ commonName: 'test', ipAddresses: ['127.0.0.1'] });
    const server = createServer({ cert: made.cert, key: made.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, ca: made.cert }, () => {
          resolve(socket.authorized);
          socket.destroy();
        });
        socket.once('error', reject);
      });
      expect(authorized).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('fingerprints', () => {
  const made = createSelfSignedCertificate({ commonName: 'fp' });
  const x509 = new X509Certificate(made.cert);

  it('are the SHA-256 of the certificate, written the way people and browsers write them', () => {
    expect(made.fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(formatFingerprint(made.fingerprint)).toBe(x509.fingerprint256);
  });

  it('are read back from every usual spelling, and nonsense is refused', () => {
    const hex = x509.fingerprint256;
    const base64 = Buffer.from(made.fingerprint, 'base64url').toString('base64');
    for (const spelling of [made.fingerprint, hex, hex.toLowerCase(), hex.replace(/:/g, ''), base64, `sha256/${base64}`]) {
      expect(parseFingerprint(spelling), spelling).toBe(made.fingerprint);
    }
    for (const nonsense of ['', 'abc', hex.slice(3), 'sha1/AAAA', '!'.repeat(43)]) expect(parseFingerprint(nonsense), nonsense).toBeNull();
  });

  it('of the public key are what Chromium takes in --ignore-certificate-errors-spki-list', () => {
    expect(spkiHashOf(made.cert)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(spkiHashOf(made.cert)).not.toBe(Buffer.from(made.fingerprint, 'base64url').toString('base64'));
  });
});

describe('the certificate store', () => {
  it('makes the certificate on first use, keeps it in the data folder and reuses it', async () => {
    const dataDir = await tempDir();
    const first = await loadOrCreateCertificate({ dataDir, commonName: 'Roundtable' });
    expect(first.created).toBe(true);
    expect(first.certPath).toBe(join(dataDir, 'tls', 'certificate.pem'));
    expect((await stat(first.keyPath)).mode & 0o777).toBe(0o600);

    const second = await loadOrCreateCertificate({ dataDir, commonName: 'Roundtable' });
    expect(second.created).toBe(false);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.cert).toBe(first.cert);
    expect(await readFile(second.certPath, 'utf8')).toBe(first.cert);

    const elsewhere = await loadOrCreateCertificate({ dataDir: await tempDir(), commonName: 'Roundtable' });
    expect(elsewhere.fingerprint).not.toBe(first.fingerprint);
  });

  it('replaces a certificate that is damaged, does not match its key, or is about to expire', async () => {
    const dataDir = await tempDir();
    const first = await loadOrCreateCertificate({ dataDir, commonName: 'Roundtable' });

    await writeFile(first.certPath, 'not a certificate');
    const afterDamage = await loadOrCreateCertificate({ dataDir, commonName: 'Roundtable' });
    expect(afterDamage.created).toBe(true);

    await writeFile(afterDamage.keyPath, createSelfSignedCertificate({ commonName: 'other' }).key);
    const afterMismatch = await loadOrCreateCertificate({ dataDir, commonName: 'Roundtable' });
    expect(afterMismatch.created).toBe(true);

    const nearlyExpired = new Date(afterMismatch.notAfter.getTime() - 10 * 86_400_000);
    const renewed = await loadOrCreateCertificate({ dataDir, commonName: 'Roundtable', now: nearlyExpired });
    expect(renewed.created).toBe(true);
    expect(renewed.notAfter.getTime()).toBeGreaterThan(afterMismatch.notAfter.getTime());
  });

  it('reads certificate files given by the operator and says clearly when the key is not theirs', async () => {
    const dir = await tempDir();
    const a = createSelfSignedCertificate({ commonName: 'a' });
    const b = createSelfSignedCertificate({ commonName: 'b' });
    await writeFile(join(dir, 'a.crt'), a.cert);
    await writeFile(join(dir, 'a.key'), a.key);
    await writeFile(join(dir, 'b.key'), b.key);
    expect((await readCertificateFiles(join(dir, 'a.crt'), join(dir, 'a.key'))).fingerprint).toBe(a.fingerprint);
    await expect(readCertificateFiles(join(dir, 'a.crt'), join(dir, 'b.key'))).rejects.toThrow(/b\.key is not the private key of .*a\.crt/);
    await expect(readCertificateFiles(join(dir, 'a.key'), join(dir, 'a.key'))).rejects.toThrow(/is not a PEM certificate/);
  });
});
