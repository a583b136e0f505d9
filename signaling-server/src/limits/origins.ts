import type { IncomingMessage } from 'node:http';

/** The desktop app's renderer (Electron, `app://roundtable`): always welcome at a Roundtable server. */
export const DESKTOP_APP_ORIGIN = 'app://roundtable';

/**
 * May this browser connect? Clients that are not browsers send no Origin (and cannot be made to
 * by a web page), so they may. A browser may when its page came from this server (same host), or
 * from an origin on the list; '*' lets any page connect.
 */
export function isOriginAllowed(req: Pick<IncomingMessage, 'headers'>, allowed: readonly string[] | '*'): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || allowed === '*') return true;
  if (allowed.includes(origin)) return true;
  try {
    const { host, protocol } = new URL(origin);
    return (protocol === 'https:' || protocol === 'http:') && host !== '' && host === req.headers.host;
  } catch {
    return false;
  }
}

/** `a, b` -> ['a', 'b'] (origins normalised, '*' alone means any); throws on something that is not an origin. */
export function parseOriginList(text: string): readonly string[] | '*' {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.includes('*')) return '*';
  return items.map((item) => {
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw new Error(`"${item}" is not an origin (scheme://host[:port])`);
    }
    const origin = url.origin !== 'null' ? url.origin : `${url.protocol}//${url.host}`;
    if (url.pathname.replace(/^\/$/, '') !== '' || url.search || url.hash || !url.host) throw new Error(`"${item}" is not an origin (scheme://host[:port])`);
    return origin;
  });
}
