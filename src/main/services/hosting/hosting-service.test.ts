import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createServer, connect as tcpConnect, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createPinnedAgent, fingerprintOf, probeCertificate } from '@roundtable/signaling-server';
import { PROTOCOL_VERSION } from '@roundtable/signaling-server/protocol';
import type { HostingStatus } from '@shared/ipc/hosting';
import { HostingService } from './hosting-service';

type Hosting = Extract<HostingStatus, { state: 'hosting' }>;

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-hosting-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function service(options: { dataDir?: string; webRoot?: string } = {}): Promise<HostingService> {
  const hosting = new HostingService({
    dataDir: options.dataDir ?? (await tempDir()),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    listenHost: '127.0.0.1',
    preferredPort: 0,
    addresses: () => ['192.168.1.20', '10.0.0.5'],
    discovery: null,
    hostName: 'desk-7',
  });
  cleanups.push(() => hosting.stop());
  return hosting;
}

function hosting(status: HostingStatus): Hosting {
  if (status.state !== 'hosting') throw new Error(`not hosting: ${JSON.stringify(status)}`);
  return status;
}

function get(url: string, fingerprint: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { agent: createPinnedAgent(fingerprint) }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

function joinAs(status: Hosting, name: string): Promise<Socket> {
  const socket = io(status.self.server, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    agent: createPinnedAgent(status.invite.fingerprint) as never,
  });
  cleanups.push(() => socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', async () => {
      const reply = (await socket.timeout(3000).emitWithAck('join', {
        protocol: PROTOCOL_VERSION,
        room: status.invite.code,
        name,
        secret: `${name.replace(/\W/g, '')}-secret-${'x'.repeat(24)}`,
        session: `${name}-session`,
        media: { audio: true, video: true },
        // The first one starts the hosted meeting, as the host's own app does.
        create: {},
      })) as { ok: boolean };
      if (reply.ok) resolve(socket);
      else reject(new Error(JSON.stringify(reply)));
    });
  });
}

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Opens a Socket.IO connection (WebSocket only) as a browser page would, with its Origin and, for DNS rebinding, its Host. */
function connectAs(status: Hosting, headers: { origin?: string; host?: string }): Promise<Socket> {
  const socket = io(status.self.server, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    agent: createPinnedAgent(status.invite.fingerprint) as never,
    extraHeaders: { ...(headers.origin ? { origin: headers.origin } : {}), ...(headers.host ? { host: headers.host } : {}) },
  });
  cleanups.push(() => socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe('hosting a meeting', () => {
  it('starts an HTTPS/WSS meeting server with an invite: a short code and a pinned link for every LAN address', async () => {
    const service_ = await service();
    const status = hosting(await service_.start({ meetingName: "Ada's meeting" }));
    expect(status.invite.code).toMatch(/^[a-z]+(-[a-z]+){5}$/);
    expect(status.invite.meetingName).toBe("Ada's meeting");
    expect(status.invite.links.map((l) => l.address)).toEqual(['192.168.1.20', '10.0.0.5']);
    for (const link of status.invite.links) {
      expect(link.url).toBe(`https://${link.address}:${status.port}/?room=${status.invite.code}&fp=${status.invite.fingerprint}`);
    }
    expect(status.self).toEqual({ server: `https://127.0.0.1:${status.port}`, room: status.invite.code, fingerprint: status.invite.fingerprint });
    expect(status.invite.fingerprintText).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(status.announced).toBe(false);

    // The fingerprint in the link is the certificate the server really presents.
    expect(await probeCertificate(status.self.server)).toBe(status.invite.fingerprint);
    const info = await get(`${status.self.server}/api/info`, status.invite.fingerprint);
    expect(JSON.parse(info.body)).toEqual({ name: "Ada's meeting", protocol: PROTOCOL_VERSION });
  });

  it('counts the people in the meeting as they come and go', async () => {
    const service_ = await service();
    const status = hosting(await service_.start());
    const counts: number[] = [];
    service_.events.on('status', (s) => s.state === 'hosting' && counts.push(s.participants));
    const ada = await joinAs(status, 'Ada');
    const bob = await joinAs(status, 'Bob');
    await expect.poll(() => hosting(service_.status()).participants).toBe(2);
    ada.disconnect();
    await expect.poll(() => hosting(service_.status()).participants).toBe(1);
    bob.disconnect();
    await expect.poll(() => hosting(service_.status()).participants).toBe(0);
    expect(counts).toEqual([1, 2, 1, 0]);
  });

  it('stopping tells everyone the meeting has ended, then closes the port', async () => {
    const service_ = await service();
    const status = hosting(await service_.start({ meetingName: 'Standup' }));
    const guest = await joinAs(status, 'Grace');
    const ended = new Promise<unknown>((resolve) => guest.once('meeting-ended', resolve));
    const disconnected = new Promise<void>((resolve) => guest.once('disconnect', () => resolve()));

    expect(await service_.stop()).toEqual({ state: 'idle', lastError: null });
    expect(await ended).toEqual({ reason: 'host-stopped', code: 'host-stopped', meetingName: 'Standup', message: 'The host stopped hosting "Standup".' });
    await disconnected;
    expect(await portIsClosed(status.port)).toBe(true);
  });

  it('uses the configured port, and the next free one when it is taken', async () => {
    const free = await occupyPort();
    await new Promise((resolve) => free.server.close(resolve));
    const first = await service();
    expect(hosting(await first.start({ port: free.port })).port).toBe(free.port);

    const second = await service();
    const fallback = hosting(await second.start({ port: free.port })).port;
    expect(fallback).not.toBe(free.port);
    expect(fallback).toBeGreaterThan(free.port);
    expect(fallback).toBeLessThanOrEqual(free.port + 10);
    expect(await portIsClosed(fallback)).toBe(false);
  });

  it('makes its certificate once, keeps it in the data folder and reuses it for the next meeting', async () => {
    const dataDir = await tempDir();
    const service_ = await service({ dataDir });
    const first = hosting(await service_.start());
    const saved = await readFile(join(dataDir, 'tls', 'certificate.pem'), 'utf8');
    expect(fingerprintOf(saved)).toBe(first.invite.fingerprint);
    await service_.stop();

    const second = hosting(await service_.start());
    expect(second.invite.fingerprint).toBe(first.invite.fingerprint);
    expect(second.invite.code).not.toBe('');
    expect(await probeCertificate(second.self.server)).toBe(first.invite.fingerprint);

    const again = await service({ dataDir });
    await service_.stop();
    expect(hosting(await again.start()).invite.fingerprint).toBe(first.invite.fingerprint);
  });

  it('starting twice hosts one meeting; the web client is served to browser guests', async () => {
    const webRoot = await tempDir();
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Roundtable web</title>');
    const service_ = await service({ webRoot });
    const [a, b] = await Promise.all([service_.start(), service_.start()]);
    expect(hosting(b).port).toBe(hosting(a).port);
    expect(hosting(b).invite.code).toBe(hosting(a).invite.code);
    const page = await get(`${hosting(a).self.server}/?room=${hosting(a).invite.code}`, hosting(a).invite.fingerprint);
    expect(page.body).toContain('<title>Roundtable web</title>');
  });

  it("refuses browser pages of other origins and rebinding Host names; the app's own pages and the desktop app connect", async () => {
    const status = hosting(await (await service()).start());
    const port = status.port;
    // A web page in a guest's browser, on its own origin.
    await expect(connectAs(status, { origin: 'https://evil.example' })).rejects.toThrow();
    // A page on a domain that resolves to this machine (DNS rebinding): its Origin and Host both name it,
    // so a check against the request's own Host would let it in.
    await expect(connectAs(status, { origin: `https://evil.example:${port}`, host: `evil.example:${port}` })).rejects.toThrow();
    // The hosted meeting's own pages: at loopback, at each address in the invite links, at the host's names.
    for (const origin of [
      `https://127.0.0.1:${port}`,
      `https://localhost:${port}`,
      ...status.invite.links.map((l) => `https://${l.address}:${port}`),
      `https://desk-7.local:${port}`,
    ]) {
      expect(
        await connectAs(status, { origin }).then(
          () => 'ok',
          () => 'refused',
        ),
        origin,
      ).toBe('ok');
    }
    // The desktop app, and clients that are not browsers (no Origin).
    expect((await connectAs(status, { origin: 'app://roundtable' })).connected).toBe(true);
    expect((await connectAs(status, {})).connected).toBe(true);
    // The right name on the wrong scheme or port is another origin.
    await expect(connectAs(status, { origin: `http://127.0.0.1:${port}` })).rejects.toThrow();
    await expect(connectAs(status, { origin: `https://127.0.0.1:${port + 1}` })).rejects.toThrow();
  });

  it('says clearly why it could not host, and stays idle', async () => {
    const service_ = new HostingService({ dataDir: await tempDir(), listenHost: '203.0.113.77', preferredPort: 0, addresses: () => [], discovery: null });
    await expect(service_.start()).rejects.toThrow(/^Could not host the meeting: .*EADDRNOTAVAIL/);
    await expect(service_.start()).rejects.toMatchObject({ code: 'hosting-failed', details: { reason: expect.stringContaining('EADDRNOTAVAIL') } });
    expect(service_.status()).toEqual({ state: 'idle', lastError: expect.stringContaining('EADDRNOTAVAIL') });
  });
});
