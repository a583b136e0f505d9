/** Where the renderer is served from inside the app; the only origin our IPC and permissions trust. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'roundtable';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * The renderer's Content-Security-Policy. Scripts and styles only from the app itself. The
 * meeting server is chosen by the user at run time, so connections may go to any host, but only
 * over TLS: signaling carries the DTLS fingerprints that authenticate the media, and whoever can
 * rewrite plain-text signaling on the network can sit in the middle of the call. Hosted LAN
 * meetings speak HTTPS (pinned certificate) and internet servers sit behind TLS. Plain http/ws
 * only to this machine's loopback, which never crosses a network (a server run beside the app).
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self'",
  'connect-src https: wss: http://localhost:* ws://localhost:* http://127.0.0.1:* ws://127.0.0.1:*',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "worker-src 'self' blob:",
].join('; ');

/** True when `url` is a page of our own renderer (or the dev server while developing). */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
    return devServerUrl !== undefined && parsed.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}

/** The content type of each kind of file the renderer is made of (anything else: octet-stream). */
export const APP_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wav': 'audio/wav',
};
