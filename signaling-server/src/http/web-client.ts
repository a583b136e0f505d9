import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { PROTOCOL_VERSION } from '../protocol/index.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.txt': 'text/plain; charset=utf-8',
};

/** The browser client's policy: scripts only from here, media only from the call itself. */
export const WEB_CLIENT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': WEB_CLIENT_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(self), microphone=(self), display-capture=(self)',
};

/** HSTS for a year, sent only over TLS and never to a loopback host (see strictTransportSecurity). */
export const HSTS_VALUE = 'max-age=31536000';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * True when the Host a request names is this machine's loopback: localhost (and *.localhost, which
 * browsers resolve to it), 127.0.0.0/8, ::1 and their IPv4-mapped forms. A Host that cannot be
 * parsed counts as loopback, so it gets no HSTS either.
 */
export function isLoopbackHost(host: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(`https://${host}`).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return true;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  const address = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const family = isIP(address);
  if (family === 4) return LOOPBACK.check(address, 'ipv4');
  if (family === 6) return LOOPBACK.check(address, 'ipv6');
  return false;
}

/**
 * The Strict-Transport-Security header for a response, if it gets one: only when the request came
 * over TLS, and never for a loopback host — a browser keeps HSTS per host name for every port, so
 * sending it for localhost would force HTTPS on every other local server the user runs.
 */
function strictTransportSecurity(req: IncomingMessage): OutgoingHttpHeaders {
  const encrypted = 'encrypted' in req.socket && req.socket.encrypted === true;
  if (!encrypted || req.headers.host === undefined || isLoopbackHost(req.headers.host)) return {};
  return { 'strict-transport-security': HSTS_VALUE };
}

/** True when `path` is `root` or inside it (both absolute and normalised). */
function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

export interface WebClientOptions {
  /** Shown by GET /api/info so a client can tell what it is talking to. */
  serverName?: string;
}

/**
 * Serves the built web client (a folder with index.html) and a tiny info endpoint.
 * Everything else is 404; paths never escape the folder, nor do symlinks in it.
 */
export function createWebClientHandler(webRoot: string | undefined, options: WebClientOptions = {}) {
  const root = webRoot ? resolve(webRoot) : undefined;
  // The root's real path, resolved once (by the first request that needs it; again only while it fails).
  let realRoot: Promise<string> | undefined;
  const realRootOf = (dir: string): Promise<string> => {
    realRoot ??= realpath(dir).catch((error: unknown) => {
      realRoot = undefined;
      throw error;
    });
    return realRoot;
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers = strictTransportSecurity(req);
    const reply = (status: number, body: string, ext?: string): void => send(res, status, body, ext, headers);
    // Socket.IO answers its own path before this handler runs.
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return reply(200, 'ok');
    if (url.pathname === '/api/info') {
      return reply(200, JSON.stringify({ name: options.serverName ?? 'Roundtable', protocol: PROTOCOL_VERSION }), '.json');
    }
    if (!root) return reply(404, 'this server does not serve the web client');

    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return reply(400, 'bad path');
    }
    if (pathname.includes('\0')) return reply(400, 'bad path');
    const relative = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^([/\\])+/, '');
    const file = join(root, relative);
    if (!isInside(root, file)) return reply(404, 'not found');

    try {
      // The path is inside the folder, but a symlink in it may lead anywhere: serve only what
      // really lies inside the folder, and read it by its real path.
      const real = await realpath(file);
      if (!isInside(await realRootOf(root), real)) return reply(404, 'not found');
      const info = await stat(real);
      if (!info.isFile()) return reply(404, 'not found');
      const ext = extname(file).toLowerCase();
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        ...headers,
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': relative === 'index.html' ? 'no-cache' : 'public, max-age=3600',
      });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(real)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch {
      reply(404, 'not found');
    }
  };
}

function send(res: ServerResponse, status: number, body: string, ext = '.txt', headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-type': TYPES[ext] ?? 'text/plain' });
  res.end(body);
}
