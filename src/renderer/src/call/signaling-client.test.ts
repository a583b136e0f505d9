import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalingClient, SignalingError } from './signaling-client';

/** A stand-in server that answers every request with `reply` (a server must not be trusted blindly either). */
async function answering(reply: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const io = new Server(http);
  io.on('connection', (socket) => socket.onAny((_event: string, _payload: unknown, ack: (r: unknown) => void) => ack(reply)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, close: () => new Promise((resolve) => void io.close(() => resolve())) };
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe('SignalingClient replies', () => {
  it('resolves with a reply that matches the protocol, and refuses one that does not', async () => {
    const room = { hostId: null, locked: true, waitingRoom: false, hasPasscode: false, keepChat: false };
    const good = await answering({ ok: true, room });
    cleanup.push(good.close);
    const client = new SignalingClient(good.url);
    cleanup.push(() => client.close());
    await client.whenConnected();
    expect(await client.request('host-settings', { locked: true })).toEqual({ room });

    const bad = await answering({ ok: true, room: { locked: 'yes' } });
    cleanup.push(bad.close);
    const fooled = new SignalingClient(bad.url);
    cleanup.push(() => fooled.close());
    await fooled.whenConnected();
    const error = await fooled.request('host-settings', { locked: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignalingError);
    expect((error as SignalingError).code).toBe('bad-reply');
  });

  it('carries the code and the retry time of a refusal', async () => {
    const server = await answering({ ok: false, error: { code: 'rate-limited', message: 'slow down', retryAfterMs: 1500 } });
    cleanup.push(server.close);
    const client = new SignalingClient(server.url);
    cleanup.push(() => client.close());
    await client.whenConnected();
    const error = (await client.request('leave', {}).catch((e: unknown) => e)) as SignalingError;
    expect([error.code, error.retryAfterMs]).toEqual(['rate-limited', 1500]);
  });
});
