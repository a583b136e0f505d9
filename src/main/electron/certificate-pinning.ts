import type { Session } from 'electron';
import type { CertificatePins, PinVerdict } from '../services/hosting/certificate-pins';

/** Chromium's answers to a certificate check (net error codes). */
export const ACCEPT = 0;
export const REFUSE = -2; // net::ERR_FAILED
export const USE_CHROMIUM = -3; // use Chromium's own verification

export type Refusal = Extract<PinVerdict, { verdict: 'refuse' }>;

/**
 * Makes the session accept exactly the pinned certificate for a pinned host (a meeting joined by
 * invite link, or hosted here) and refuse any other; hosts nobody pinned get Chromium's usual
 * checks. The decision itself is CertificatePins.decide, tested without Electron.
 */
export function installCertificatePinning(session: Session, pins: CertificatePins, onRefused: (refusal: Refusal) => void): void {
  session.setCertificateVerifyProc((request, callback) => {
    const verdict = pins.decide(request.hostname, request.certificate.data);
    switch (verdict.verdict) {
      case 'accept':
        return callback(ACCEPT);
      case 'refuse':
        onRefused(verdict);
        return callback(REFUSE);
      default:
        return callback(USE_CHROMIUM);
    }
  });
}
