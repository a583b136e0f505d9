import { describe, expect, it, vi } from 'vitest';
import { createSelfSignedCertificate, formatFingerprint } from '@roundtable/signaling-server';
import { CertificatePins, refusalText, type PinRefusal } from './certificate-pins';
import { desktopText } from '../../text/desktop-text';

const genuine = createSelfSignedCertificate({ commonName: 'genuine' });
const second = createSelfSignedCertificate({ commonName: 'second server on the same host' });
const impostor = createSelfSignedCertificate({ commonName: 'impostor' });

describe('certificate pins (what the desktop app accepts)', () => {
  it('hold exactly one fingerprint per host:port: a new pin replaces the old one', () => {
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    pins.pin('https://192.168.1.20:8443/?room=x', impostor.fingerprint);
    expect(pins.list()).toEqual([{ server: 'https://192.168.1.20:8443', fingerprint: impostor.fingerprint }]);
    expect(pins.certificateError('https://192.168.1.20:8443/socket.io/', genuine.cert)).toMatchObject({ verdict: 'refuse' });
    expect(pins.certificateError('wss://192.168.1.20:8443/socket.io/', impostor.cert)).toEqual({ verdict: 'accept' });
  });

  it('keep two ports on one host apart: each accepts only its own certificate', () => {
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    pins.pin('https://192.168.1.20:9443', second.fingerprint);
    expect(pins.certificateError('https://192.168.1.20:8443/', genuine.cert)).toEqual({ verdict: 'accept' });
    expect(pins.certificateError('https://192.168.1.20:9443/', second.cert)).toEqual({ verdict: 'accept' });
    expect(pins.certificateError('https://192.168.1.20:8443/', second.cert)).toMatchObject({
      verdict: 'refuse',
      host: '192.168.1.20:8443',
      presented: second.fingerprint,
    });
    expect(pins.certificateError('https://192.168.1.20:9443/', genuine.cert)).toMatchObject({
      verdict: 'refuse',
      host: '192.168.1.20:9443',
      presented: genuine.fingerprint,
    });
    // A port nobody pinned keeps its certificate error.
    expect(pins.certificateError('https://192.168.1.20:7443/', genuine.cert)).toEqual({ verdict: 'default' });
    expect(pins.certificateError('https://192.168.1.20/', genuine.cert)).toEqual({ verdict: 'default' });
  });

  it("refuse, by host name alone, a certificate that is none of the host's pins; leave the others to Chromium", () => {
    const pins = new CertificatePins();
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    pins.pin('https://192.168.1.20:9443', second.fingerprint);
    expect(pins.decideHost('192.168.1.20', genuine.cert)).toEqual({ verdict: 'chromium' });
    expect(pins.decideHost('192.168.1.20', second.cert)).toEqual({ verdict: 'chromium' });
    const verdict = pins.decideHost('192.168.1.20', impostor.cert);
    expect(verdict).toMatchObject({ verdict: 'refuse', host: '192.168.1.20', presented: impostor.fingerprint });
    expect(verdict.verdict === 'refuse' && verdict.message).toBe(
      `Roundtable refused the connection to 192.168.1.20: its certificate (${formatFingerprint(impostor.fingerprint)}) is not the one you joined with ` +
        `(${formatFingerprint(genuine.fingerprint)} or ${formatFingerprint(second.fingerprint)}). Someone on the network may be intercepting the meeting.`,
    );
    // The app words it in its language, from the refusal's fields: English says what the message says.
    const refusal = verdict as PinRefusal;
    expect(refusalText(desktopText('en'), refusal)).toBe(refusal.message);
    expect(refusalText(desktopText('ru'), refusal)).toBe(
      `Соединение с 192.168.1.20 отклонено: сертификат сервера (${formatFingerprint(impostor.fingerprint)}) не тот, с которым вы присоединились ` +
        `(${formatFingerprint(genuine.fingerprint)} или ${formatFingerprint(second.fingerprint)}). Возможно, кто-то в сети перехватывает встречу.`,
    );
    const unreadable = pins.decideHost('192.168.1.20', 'garbage') as PinRefusal;
    expect(unreadable).toMatchObject({ verdict: 'refuse', presented: null });
    expect(refusalText(desktopText('en'), unreadable)).toBe(unreadable.message);
    expect(pins.decideHost('meet.example.org', impostor.cert)).toEqual({ verdict: 'chromium' });
    expect(pins.decideHost('192.168.1.21', impostor.cert)).toEqual({ verdict: 'chromium' });
  });

  it('drop a pin, and say when they change', () => {
    const pins = new CertificatePins();
    const changed = vi.fn();
    pins.onChange(changed);
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    pins.pin('https://192.168.1.20:8443', genuine.fingerprint);
    expect(changed).toHaveBeenCalledTimes(1);
    pins.unpin('https://192.168.1.20:9443');
    expect(changed).toHaveBeenCalledTimes(1);
    pins.unpin('https://192.168.1.20:8443');
    expect(changed).toHaveBeenCalledTimes(2);
    expect(pins.list()).toEqual([]);
    expect(pins.decideHost('192.168.1.20', impostor.cert)).toEqual({ verdict: 'chromium' });
  });

  it('read IPv6 hosts with or without brackets, and refuse what is not a fingerprint or not https', () => {
    const pins = new CertificatePins();
    pins.pin('https://[FD00::20]:8443', genuine.fingerprint);
    expect(pins.get('https://[fd00::20]:8443')).toBe(genuine.fingerprint);
    expect(pins.decideHost('fd00::20', genuine.cert)).toEqual({ verdict: 'chromium' });
    expect(pins.decideHost('[fd00::20]', impostor.cert)).toMatchObject({ verdict: 'refuse', host: '[fd00::20]' });
    expect(pins.certificateError('wss://[fd00::20]:8443/socket.io/', genuine.cert)).toEqual({ verdict: 'accept' });
    expect(() => pins.pin('https://x', 'not-a-fingerprint')).toThrow(/not a SHA-256 certificate fingerprint/);
    expect(() => pins.pin('http://192.168.1.20:8443', genuine.fingerprint)).toThrow(/not an https:\/\/ address/);
  });
});
