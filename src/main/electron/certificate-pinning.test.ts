import { describe, expect, it, vi } from 'vitest';
import { createSelfSignedCertificate } from '@roundtable/signaling-server';
import { app, FakeSession, fakeCertificate } from '../../../tests/fakes/electron';
import { CertificatePins } from '../services/hosting/certificate-pins';
import { installCertificatePinning, REFUSE, USE_CHROMIUM } from './certificate-pinning';

const genuine = createSelfSignedCertificate({ commonName: 'genuine' });
const second = createSelfSignedCertificate({ commonName: 'second server on the same host' });
const impostor = createSelfSignedCertificate({ commonName: 'impostor' });

function install(pins: CertificatePins) {
  const session = new FakeSession();
  const refused = vi.fn();
  const uninstall = installCertificatePinning(app, session, pins, refused);
  return { session, refused, uninstall };
}

describe('certificate pinning in the Electron session', () => {
  it('accepts, for each host:port, exactly the certificate pinned there: two ports of one host each accept only their own', async () => {
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    pins.pin('https://192.168.1.20:9443', second.fingerprint);
    const { session, refused, uninstall } = install(pins);

    expect(await session.connect('https://192.168.1.20:8443/', genuine.cert)).toBe('accepted');
    expect(await session.connect('wss://192.168.1.20:9443/socket.io/?EIO=4&transport=websocket', second.cert)).toBe('accepted');
    expect(refused).not.toHaveBeenCalled();

    // Someone on the path sends the 9443 connection to the 8443 server (or the other way round).
    expect(await session.connect('https://192.168.1.20:9443/', genuine.cert)).toBe('refused');
    expect(refused).toHaveBeenLastCalledWith(expect.objectContaining({ verdict: 'refuse', host: '192.168.1.20:9443', presented: genuine.fingerprint }));
    expect(await session.connect('https://192.168.1.20:8443/', second.cert)).toBe('refused');

    // Any other certificate for a pinned host is refused outright, even one a trusted authority signed.
    expect(await session.connect('https://192.168.1.20:8443/', impostor.cert, 'OK')).toBe('refused');
    expect(refused).toHaveBeenLastCalledWith(
      expect.objectContaining({ verdict: 'refuse', host: '192.168.1.20', message: expect.stringMatching(/is not the one you joined with/) }),
    );
    uninstall();
  });

  it("leaves hosts and ports nobody pinned to Chromium's own checks", async () => {
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    const { session, refused, uninstall } = install(pins);
    expect(await session.connect('https://meet.example.org/', impostor.cert, 'OK')).toBe('accepted');
    expect(await session.connect('https://meet.example.org/', impostor.cert)).toBe('refused');
    // The pinned certificate, but on a port nobody pinned it for: a self-signed certificate stays an error.
    expect(await session.connect('https://192.168.1.20:7443/', genuine.cert)).toBe('refused');
    expect(refused).not.toHaveBeenCalled();
    const verdicts: number[] = [];
    const request = { hostname: '192.168.1.21', certificate: fakeCertificate(impostor.cert) };
    session.certificateVerifyProc!(
      { ...request, validatedCertificate: request.certificate, isIssuedByKnownRoot: false, verificationResult: 'OK', errorCode: 0 },
      (code) => verdicts.push(code),
    );
    request.hostname = '192.168.1.20';
    session.certificateVerifyProc!(
      { ...request, validatedCertificate: request.certificate, isIssuedByKnownRoot: false, verificationResult: 'OK', errorCode: 0 },
      (code) => verdicts.push(code),
    );
    expect(verdicts).toEqual([USE_CHROMIUM, REFUSE]);
    uninstall();
  });

  it("follows the pins as they change: Chromium's cached answers are dropped with them", async () => {
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    const { session, uninstall } = install(pins);
    expect(await session.connect('https://192.168.1.20:9443/', second.cert)).toBe('refused');
    pins.pin('https://192.168.1.20:9443', second.fingerprint);
    expect(await session.connect('https://192.168.1.20:9443/', second.cert)).toBe('accepted');
    pins.unpin('https://192.168.1.20:9443');
    pins.unpin('https://192.168.1.20:8443');
    expect(await session.connect('https://192.168.1.20:9443/', second.cert)).toBe('refused');
    expect(await session.connect('https://192.168.1.20:8443/', genuine.cert)).toBe('refused');

    uninstall();
    expect(session.certificateVerifyProc).toBeNull();
    expect(app.listenerCount('certificate-error')).toBe(0);
  });
});
