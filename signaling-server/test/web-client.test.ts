import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebClientHandler, HSTS_VALUE, isLoopbackHost } from '../src/http/web-client.js';
import { createSelfSignedCertificate } from '../src/tls/index.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let base: string;
let webRoot: string;
const servers: Array<HttpServer | HttpsServer> = [];

// A web root with the client in it, and a secret beside it that a symlink inside points at.
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'roundtable-web-'));
  webRoot = join(base, 'web');
  const outside = join(base, 'outside');
  await mkdir(join(webRoot, 'assets'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Roundtable</title>');
  await writeFile(join(webRoot, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(join(outside, 'secret.txt'), 'the private key');
  await symlink(join(outside, 'secret.txt'), join(webRoot, 'leak.txt'));
  await symlink(join(outside, 'secret.txt'), join(webRoot, 'assets', 'leak.js'));
  await symlink(outside, join(webRoot, 'elsewhere'));
  // A symlink that stays inside the folder is fine.
  await symlink(join(webRoot, 'assets', 'app.js'), join(webRoot, 'alias.js'));
  // And so is a web root that is itself reached through a symlink.
  await symlink(webRoot, join(base, 'current'));
});

afterAll(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
  await rm(base, { recursive: true, force: true });
});

async function listen<S extends HttpServer | HttpsServer>(server: S): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function serveHttp(root: string): Promise<number> {
  const handler = createWebClientHandler(root);
  return listen(createHttpServer((req, res) => void handler(req, res)));
}

function get(port: number, path: string, options: { method?: string; host?: string; tls?: { ca: string } } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const common = {
      host: '127.0.0.1',
      port,
      path,
      method: options.method ?? 'GET',
      headers: options.host ? { host: options.host } : {},
    };
    const done = (res: IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req = options.tls ? httpsRequest({ ...common, ca: options.tls.ca, servername: 'desk-7.local' }, done) : httpRequest(common, done);
    req.on('error', reject);
    req.end();
  });
}

describe('the web client never serves what lies outside its folder', () => {
  let port: number;
  beforeAll(async () => {
    port = await serveHttp(webRoot);
  });

  it('serves the files in the folder', async () => {
    expect(await get(port, '/')).toMatchObject({
      status: 200,
      body: '<!doctype html><title>Roundtable</title>',
    });
    expect(await get(port, '/assets/app.js')).toMatchObject({
      status: 200,
      body: 'console.log("app");',
    });
  });

  it('refuses a symlink inside the folder that points at a file outside it (404)', async () => {
    for (const path of ['/leak.txt', '/assets/leak.js', '/elsewhere/secret.txt']) {
      const reply = await get(port, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).not.toContain('private key');
      expect((await get(port, path, { method: 'HEAD' })).status, `HEAD ${path}`).toBe(404);
    }
  });

  it('follows a symlink that stays inside the folder, with the type of the name asked for', async () => {
    const reply = await get(port, '/alias.js');
    expect(reply).toMatchObject({ status: 200, body: 'console.log("app");' });
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('still refuses paths that climb out of the folder', async () => {
    for (const path of ['/../outside/secret.txt', '/%2e%2e/outside/secret.txt', '/assets/..%2f..%2foutside%2fsecret.txt']) {
      expect((await get(port, path)).status, path).toBe(404);
    }
  });

  it('works when the folder itself is reached through a symlink', async () => {
    const linked = await serveHttp(join(base, 'current'));
    expect(await get(linked, '/assets/app.js')).toMatchObject({
      status: 200,
      body: 'console.log("app");',
    });
    expect((await get(linked, '/leak.txt')).status).toBe(404);
  });
});

describe('HSTS', () => {
  const certificate = createSelfSignedCertificate({
    commonName: 'hsts',
    dnsNames: ['desk-7.local'],
    ipAddresses: ['127.0.0.1'],
  });
  let httpsPort: number;
  let httpPort: number;
  beforeAll(async () => {
    const handler = createWebClientHandler(webRoot);
    httpsPort = await listen(createHttpsServer({ cert: certificate.cert, key: certificate.key }, (req, res) => void handler(req, res)));
    httpPort = await serveHttp(webRoot);
  });
  const tls = { ca: certificate.cert };

  it('is sent over HTTPS to a host that is not this machine, on every response', async () => {
    for (const path of ['/', '/assets/app.js', '/missing', '/healthz']) {
      const reply = await get(httpsPort, path, {
        tls,
        host: `desk-7.local:${httpsPort}`,
      });
      expect(reply.headers['strict-transport-security'], path).toBe(HSTS_VALUE);
    }
    expect(HSTS_VALUE).toBe('max-age=31536000');
    const lan = await get(httpsPort, '/', {
      tls,
      host: `192.168.1.20:${httpsPort}`,
    });
    expect(lan.headers['strict-transport-security']).toBe(HSTS_VALUE);
  });

  it('is not sent for loopback hosts, where it would force HTTPS on every local port', async () => {
    for (const host of [`127.0.0.1:${httpsPort}`, `localhost:${httpsPort}`, `[::1]:${httpsPort}`, 'LOCALHOST', `app.localhost:${httpsPort}`]) {
      const reply = await get(httpsPort, '/', { tls, host });
      expect(reply.status, host).toBe(200);
      expect(reply.headers['strict-transport-security'], host).toBeUndefined();
    }
  });

  it('is never sent over plain HTTP', async () => {
    for (const host of [`desk-7.local:${httpPort}`, `127.0.0.1:${httpPort}`]) {
      const reply = await get(httpPort, '/', { host });
      expect(reply.status, host).toBe(200);
      expect(reply.headers['strict-transport-security'], host).toBeUndefined();
    }
  });
});

describe('isLoopbackHost', () => {
  it('knows the names and addresses of this machine', () => {
    for (const host of [
      'localhost',
      'localhost:8443',
      'LocalHost.',
      'a.localhost',
      '127.0.0.1',
      '127.0.0.1:443',
      '127.1.2.3',
      '[::1]',
      '[::1]:8443',
      '[0:0:0:0:0:0:0:1]',
      '[::ffff:127.0.0.1]',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('and nothing else', () => {
    for (const host of [
      'desk-7.local',
      'desk-7.local:8443',
      'meet.example.org',
      '192.168.1.20',
      '10.0.0.1:443',
      '[fe80::1]',
      '[::ffff:192.168.1.20]',
      'localhost.example.org',
      '128.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
