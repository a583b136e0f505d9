import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

export interface WebClientOptions {
  /** Shown by GET /api/info so a client can tell what it is talking to. */
  serverName?: string;
}

/**
 * Serves the built web client (a folder with index.html) and a tiny info endpoint.
 * Everything else is 404; paths never escape the folder.
 */
export function createWebClientHandler(webRoot: string | undefined, options: WebClientOptions = {}) {
  const root = webRoot ? resolve(webRoot) : undefined;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Socket.IO answers its own path before this handler runs.
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return send(res, 200, 'ok');
    if (url.pathname === '/api/info') {
      return send(res, 200, JSON.stringify({ name: options.serverName ?? 'Roundtable', protocol: PROTOCOL_VERSION }), '.json');
    }
    if (!root) return send(res, 404, 'this server does not serve the web client');

    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'bad path');
    }
    if (pathname.includes('\0')) return send(res, 400, 'bad path');
    const relative = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^([/\\])+/, '');
    const file = join(root, relative);
    if (file !== root && !file.startsWith(root + sep)) return send(res, 404, 'not found');

    try {
      const info = await stat(file);
      if (!info.isFile()) return send(res, 404, 'not found');
      const ext = extname(file).toLowerCase();
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': relative === 'index.html' ? 'no-cache' : 'public, max-age=3600',
      });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch {
      send(res, 404, 'not found');
    }
  };
}

function send(res: ServerResponse, status: number, body: string, ext = '.txt'): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': TYPES[ext] ?? 'text/plain' });
  res.end(body);
}
