import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignalingServer, type SignalingServer } from '../src/app.js';
import { createWebClientHandler } from '../src/http/web-client.js';
import { CertificatePinError, createPinnedAgent, createSelfSignedCertificate, probeCertificate, verifyPinnedServer } from '../src/tls/index.js';
import { joinRequest } from './harness.js';

// The meeting's real server, and the certificate an attacker in the middle would present instead.
const genuine = createSelfSignedCertificate({ commonName: 'genuine', ipAddresses: ['127.0.0.1'] });
const impostor = createSelfSignedCertificate({ commonName: 'impostor', ipAddresses: ['127.0.0.1'] });

let https: Server;
let signaling: SignalingServer;
let url: string;
const connections: string[] = [];

beforeAll(async () => {
  const handler = createWebClientHandler(undefined);
  https = createServer({ cert: genuine.cert, key: genuine.key }, (req, res) => void handler(req, res));
  signaling = createSignalingServer(https);
  signaling.io.on('connection', (socket) => connections.push(socket.id));
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await signaling.close();
});

function joinWithPin(fingerprint: string): Promise<{ ok: boolean; error?: Error }> {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, agent: createPinnedAgent(fingerprint) as never });
  return new Promise((resolve) => {
    socket.once('connect', async () => {
      const reply = (await socket.timeout(3000).emitWithAck('join', joinRequest())) as { ok: boolean };
      socket.disconnect();
      resolve({ ok: reply.ok });
    });
    socket.once('connect_error', (error: Error & { description?: { error?: Error; message?: string } }) => {
      socket.disconnect();
      resolve({ ok: false, error: error.description?.error ?? error });
    });
  });
}

describe('certificate pinning (Node clients)', () => {
  it('reads the fingerprint of the certificate a server presents', async () => {
    expect(await probeCertificate(url)).toBe(genuine.fingerprint);
  });

  it('accepts the server that presents the pinned certificate', async () => {
    await expect(verifyPinnedServer(url, genuine.fingerprint)).resolves.toBeUndefined();
  });

  it('refuses a server that presents any other certificate, saying why', async () => {
    const error = await verifyPinnedServer(url, impostor.fingerprint).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificatePinError);
    expect((error as CertificatePinError).message).toMatch(/^The server at 127\.0\.0\.1:\d+ presented a different certificate than the invite expects/);
    expect((error as CertificatePinError).presented).toBe(genuine.fingerprint);
  });

  it('a socket.io client with the right fingerprint connects over wss and joins a meeting', async () => {
    const result = await joinWithPin(genuine.fingerprint);
    expect(result).toEqual({ ok: true });
  });

  it('a socket.io client pinned to another certificate refuses to connect, and the server never sees it', async () => {
    const before = connections.length;
    const result = await joinWithPin(impostor.fingerprint);
    expect(result.ok).toBe(false);
    expect(result.error).toBeInstanceOf(CertificatePinError);
    expect(result.error?.message).toContain('Someone may be intercepting the connection; not connecting.');
    expect(connections.length).toBe(before);
  });
});
