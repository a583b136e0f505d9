import type { Certificate, Session, WebContents } from 'electron';
import type { CertificatePins, PinRefusal } from '../services/hosting/certificate-pins';

/** Chromium's answers to a certificate check (net error codes). */
export const ACCEPT = 0;
export const REFUSE = -2; // net::ERR_FAILED
export const USE_CHROMIUM = -3; // use Chromium's own verification

export type Refusal = PinRefusal;

type CertificateErrorListener = (
  event: Electron.Event,
  webContents: WebContents,
  url: string,
  error: string,
  certificate: Certificate,
  callback: (isTrusted: boolean) => void,
  isMainFrame: boolean,
) => void;

/** Where 'certificate-error' comes from: Electron's `app`. */
export interface CertificateErrorSource {
  on(event: 'certificate-error', listener: CertificateErrorListener): unknown;
  removeListener(event: 'certificate-error', listener: CertificateErrorListener): unknown;
}

/**
 * Makes Chromium accept exactly the certificate pinned for a host:port (a meeting the person chose,
 * or the one hosted here) and refuse any other there; hosts nobody pinned get Chromium's usual
 * checks. Electron's verify proc sees only the host name, so it refuses a certificate that matches
 * none of the host's pins and otherwise lets Chromium decide; a self-signed certificate then comes
 * back as a 'certificate-error' with its URL, and is accepted only when it is the one pinned for
 * that URL's host:port. The decisions are CertificatePins', tested without Electron.
 * Returns the function that undoes it.
 */
export function installCertificatePinning(
  app: CertificateErrorSource,
  session: Pick<Session, 'setCertificateVerifyProc'>,
  pins: CertificatePins,
  onRefused: (refusal: Refusal) => void,
): () => void {
  const verifyProc: Parameters<Session['setCertificateVerifyProc']>[0] = (request, callback) => {
    const verdict = pins.decideHost(request.hostname, request.certificate.data);
    if (verdict.verdict === 'refuse') {
      onRefused(verdict);
      return callback(REFUSE);
    }
    return callback(USE_CHROMIUM);
  };
  session.setCertificateVerifyProc(verifyProc);
  // The network service caches the proc's answers; setting it again empties that cache, so a
  // refusal (or an answer given before a pin) never outlives the pins it was made from.
  const offChange = pins.onChange(() => session.setCertificateVerifyProc(verifyProc));

  const onCertificateError: CertificateErrorListener = (event, _webContents, url, _error, certificate, callback) => {
    const verdict = pins.certificateError(url, certificate.data);
    if (verdict.verdict === 'accept') {
      event.preventDefault();
      return callback(true);
    }
    if (verdict.verdict === 'refuse') onRefused(verdict);
    callback(false);
  };
  app.on('certificate-error', onCertificateError);

  return () => {
    offChange();
    app.removeListener('certificate-error', onCertificateError);
    session.setCertificateVerifyProc(null);
  };
}
