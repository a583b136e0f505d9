import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

/** The desktop app's renderer (Electron, `app://roundtable`): always welcome at a Roundtable server. */
export const DESKTOP_APP_ORIGIN = 'app://roundtable';

/**
 * The names this machine answers to: loopback, its host name (and `.local`), every address of
 * every interface, and whatever the operator adds (a public URL's host). Read at each check, so an
 * interface that comes up later counts.
 */
export function ownHostNames(extra: readonly string[] = []): Set<string> {
  const name = hostname().toLowerCase();
  const names = new Set(['localhost', '127.0.0.1', '::1', name, `${name}.local`, ...extra.map((n) => n.toLowerCase())]);
  for (const infos of Object.values(networkInterfaces())) for (const info of infos ?? []) names.add(info.address.toLowerCase());
  return names;
}

/**
 * May this browser connect? Clients that are not browsers send no Origin (and cannot be made to
 * by a web page), so they may. A browser may when its page came from this server, or from an
 * origin on the list ('*': any page). "This server" means one of the server's own names at the
 * port and scheme the connection came in on; never the request's own Host header, which a page
 * on a rebinding domain (evil.example resolving to this machine) controls.
 */
export function isOriginAllowed(
  req: Pick<IncomingMessage, 'headers' | 'socket'>,
  allowed: readonly string[] | '*',
  ownNames: () => Set<string> = () => ownHostNames(),
): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || allowed === '*') return true;
  if (allowed.includes(origin)) return true;
  try {
    const url = new URL(origin);
    const secure = 'encrypted' in req.socket && req.socket.encrypted === true;
    if (url.protocol !== (secure ? 'https:' : 'http:')) return false;
    const port = Number(url.port || (secure ? 443 : 80));
    if (port !== req.socket.localPort) return false;
    return ownNames().has(url.hostname.replace(/^\[|\]$/g, '').toLowerCase());
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
