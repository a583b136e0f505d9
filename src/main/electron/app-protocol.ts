import { net, protocol } from 'electron';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_CONTENT_TYPES, APP_CSP, APP_HOST, APP_SCHEME } from './app-origin';

/** Must run before the app is ready: makes app:// a secure, standard origin (like https). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

/** Serves the built renderer from `root` at app://roundtable/, with our CSP on every response. */
export function serveRenderer(root: string): void {
  const base = normalize(root);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const path = normalize(join(base, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (!path.startsWith(base + sep)) return new Response('not found', { status: 404 });
    const file = await net.fetch(pathToFileURL(path).toString()).catch(() => null);
    if (!file?.ok) return new Response('not found', { status: 404 });
    return new Response(file.body, {
      status: 200,
      headers: {
        'content-type': APP_CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
        'content-security-policy': APP_CSP,
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
