import { afterEach, describe, expect, it } from 'vitest';
import { addressGroup } from '../src/limits/index.js';
import { closeClients, connectClient, joined, joinRequest, request, startServer, type TestServer } from './harness.js';

/**
 * Every per-address limit (connections, meeting starts, code tries, passcode guesses) counts an
 * IPv6 client by its /64: one machine is handed a whole /64 and may use any address in it.
 */
describe('the network a client is counted as', () => {
  it('is an IPv4 address as it is, an IPv4-mapped IPv6 address as IPv4, an IPv6 address by its /64', () => {
    expect(addressGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('::FFFF:cb00:7107')).toBe('203.0.113.7');
    expect(addressGroup('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:0DB8:0001:0002:ffff:eeee:dddd:cccc')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('[2001:db8:1:2:3:4:5:6]')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressGroup('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('2001:db8:1:2::192.0.2.1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('unknown')).toBe('unknown');
  });
});

describe('per-address limits count an IPv6 /64 as one address', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    closeClients();
    await server?.close();
    server = undefined;
  });

  it('connections: two addresses of one /64 share its budget; the next /64 has its own', async () => {
    server = await startServer({ trustProxy: true, addressLimits: { maxConnections: 2 } });
    const { url } = server;
    await connectClient(url, { address: '2001:db8:1:2::1' });
    await connectClient(url, { address: '2001:db8:1:2:aaaa:bbbb:cccc:dddd' });
    await expect(connectClient(url, { address: '2001:db8:1:2::9' })).rejects.toThrow();
    expect((await connectClient(url, { address: '2001:db8:1:3::1' })).connected).toBe(true);
  });

  it('passcode guesses: a wrong guess slows the whole /64, not just the address that made it', async () => {
    server = await startServer({ trustProxy: true });
    const { url } = server;
    await joined(url, { room: 'vault', name: 'Ada', create: { passcode: 'correct horse' } });
    const guess = (address: string, passcode: string) =>
      connectClient(url, { address }).then((socket) => request(socket, 'join', joinRequest({ room: 'vault', passcode, create: undefined })));
    expect((await guess('2001:db8:1:2::1', 'wrong-guess-1')).error?.code).toBe('passcode-wrong');
    expect(await guess('2001:db8:1:2::2', 'wrong-guess-2')).toMatchObject({ ok: false, error: { code: 'rate-limited', retryAfterMs: expect.any(Number) } });
    // Another network is not slowed by it.
    expect(await guess('2001:db8:1:3::1', 'correct horse')).toMatchObject({ ok: true });
  });
});
