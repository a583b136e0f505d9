import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_GRACE_MS } from '../src/app.js';
import { closeClients, joined, startServer, type TestServer } from './harness.js';

let server: TestServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  closeClients();
  await server?.close();
  server = undefined;
});

/** A TCP connection to the server that sends nothing, as a browser opens one ahead of a request. */
async function silentConnection(url: string): Promise<Socket> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

describe('stopping the server', () => {
  it('ends within its grace though a connection carries no request (a browser opened it ahead of one), and disconnects its clients', async () => {
    const running = await startServer();
    const { socket: client } = await joined(running.url, { room: 'closing-room', name: 'Ada' });
    const silent = await silentConnection(running.url);
    const cut = new Promise<void>((resolve) => silent.once('close', () => resolve()));
    const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));

    const startedAt = Date.now();
    await running.close();
    const tookMs = Date.now() - startedAt;
    await cut;
    expect(await disconnected).toMatch(/server disconnect|transport close/);
    // Node's own close waits for such a connection for ever.
    expect(tookMs).toBeGreaterThanOrEqual(CLOSE_GRACE_MS - 50);
    expect(tookMs).toBeLessThan(CLOSE_GRACE_MS + 5_000);
  });

  it('ends at once when every connection is idle', async () => {
    server = await startServer();
    await joined(server.url, { room: 'closing-room', name: 'Ada' });
    const startedAt = Date.now();
    await server.close();
    server = undefined;
    expect(Date.now() - startedAt).toBeLessThan(CLOSE_GRACE_MS);
  });
});
