import { describe, expect, it, vi } from 'vitest';
import type { Session } from 'electron';
import { createSelfSignedCertificate } from '@roundtable/signaling-server';
import { FakeSession } from '../../../tests/fakes/electron';
import { CertificatePins } from '../services/hosting/certificate-pins';
import { ACCEPT, installCertificatePinning, REFUSE, USE_CHROMIUM } from './certificate-pinning';

const genuine = createSelfSignedCertificate({ commonName: 'genuine' });
const impostor = createSelfSignedCertificate({ commonName: 'impostor' });

function verify(session: FakeSession, hostname: string, pem: string): number {
  let result: number | undefined;
  const request = { hostname, certificate: { data: pem }, verificationResult: 'net::ERR_CERT_AUTHORITY_INVALID', errorCode: -202 };
  session.certificateVerifyProc!(request as never, (code) => (result = code));
  return result!;
}

describe('certificate pinning in the Electron session', () => {
  it('accepts exactly the pinned certificate, refuses any other with a reason, and leaves other hosts to Chromium', () => {
    const session = new FakeSession();
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    const refused = vi.fn();
    installCertificatePinning(session as unknown as Session, pins, refused);

    expect(verify(session, '192.168.1.20', genuine.cert)).toBe(ACCEPT);
    expect(refused).not.toHaveBeenCalled();

    expect(verify(session, '192.168.1.20', impostor.cert)).toBe(REFUSE);
    expect(refused).toHaveBeenCalledWith(
      expect.objectContaining({ verdict: 'refuse', host: '192.168.1.20', message: expect.stringMatching(/is not the one the invite named/) }),
    );

    expect(verify(session, 'meet.example.org', impostor.cert)).toBe(USE_CHROMIUM);
  });
});
