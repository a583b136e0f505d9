import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '@roundtable/signaling-server';
import { CertificatePins } from './certificate-pins';

const genuine = createSelfSignedCertificate({ commonName: 'genuine' });
const impostor = createSelfSignedCertificate({ commonName: 'impostor' });

describe('certificate pins (what the desktop app accepts)', () => {
  it('accept exactly the pinned certificate for a pinned host', () => {
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    expect(pins.decide('192.168.1.20', genuine.cert)).toEqual({ verdict: 'accept' });
  });

  it('refuse any other certificate for that host, with a clear reason', () => {
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    const verdict = pins.decide('192.168.1.20', impostor.cert);
    expect(verdict).toMatchObject({ verdict: 'refuse', host: '192.168.1.20', presented: impostor.fingerprint });
    expect(verdict.verdict === 'refuse' && verdict.message).toMatch(
      /^Roundtable refused the connection to 192\.168\.1\.20: its certificate \([0-9A-F:]+\) is not the one the invite named/,
    );
    expect(pins.decide('192.168.1.20', 'garbage')).toMatchObject({ verdict: 'refuse', presented: null });
  });

  it('leave hosts nobody pinned to the ordinary checks', () => {
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    expect(pins.decide('meet.example.org', impostor.cert)).toEqual({ verdict: 'default' });
    expect(pins.decide('192.168.1.21', genuine.cert)).toEqual({ verdict: 'default' });
  });

  it('allow several servers on one host, and IPv6 hosts with or without brackets', () => {
    const pins = new CertificatePins();
    pins.pin('https://[fd00::20]:8443', genuine.fingerprint);
    pins.pin('https://[FD00::20]:9443', impostor.fingerprint);
    expect(pins.decide('fd00::20', genuine.cert)).toEqual({ verdict: 'accept' });
    expect(pins.decide('[fd00::20]', impostor.cert)).toEqual({ verdict: 'accept' });
    expect(pins.isPinned('FD00::20')).toBe(true);
    expect(() => pins.pin('https://x', 'not-a-fingerprint')).toThrow(/not a SHA-256 certificate fingerprint/);
  });
});
