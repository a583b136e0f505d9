import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, formatFingerprint, type TlsCredentials } from '@roundtable/signaling-server';
import { HOSTING_CHANNELS, readUntrustedCertificate, type DiscoveredMeeting, type HostingStatus } from '@shared/ipc/hosting';
import { unwrap } from '@shared/ipc/result';
import { channelRunners } from '../../ipc/dispatch';
import { CertificatePins } from './certificate-pins';
import { toDiscoveredMeeting } from './discovery';
import { createHostingHandlers, type HostingHandlers } from './hosting-handlers';
import { HostingService } from './hosting-service';
import { UntrustedCertificateError } from './invite';
import { MeetingPins } from './meeting-pins';
import { probeTrust } from './trust-probe';

let dataDir: string;
let hosting: HostingService;
let pins: CertificatePins;
let copied: string[];
let discovered: DiscoveredMeeting[];
let handlers: HostingHandlers;
/** A call as the renderer makes it: through the generic channel path (validation, handler, envelope). */
const call = (channel: string, ...args: unknown[]) => channelRunners({ hosting: HOSTING_CHANNELS }, handlers).get(channel)!(args);

/** Another meeting server on this machine (a LAN host, seen over loopback), with its own self-signed certificate. */
const lanCertificate = createSelfSignedCertificate({ commonName: 'a LAN meeting', ipAddresses: ['127.0.0.1'] });
const forged = createSelfSignedCertificate({ commonName: 'forged', ipAddresses: ['127.0.0.1'] });
let lanServer: Server;
let lanUrl: string;

async function listen(credentials: TlsCredentials): Promise<{ server: Server; url: string }> {
  const server = createServer({ cert: credentials.cert, key: credentials.key }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roundtable-handlers-'));
  hosting = new HostingService({ dataDir, listenHost: '127.0.0.1', preferredPort: 0, addresses: () => ['127.0.0.1'], discovery: null });
  pins = new CertificatePins();
  new MeetingPins(pins, hosting);
  copied = [];
  discovered = [];
  handlers = createHostingHandlers({
    hosting,
    pins,
    discovered: () => discovered,
    copyText: (text) => copied.push(text),
    defaultMeetingName: () => "Ada's meeting",
  });
  ({ server: lanServer, url: lanUrl } = await listen(lanCertificate));
});
afterAll(async () => {
  await hosting.stop();
  await new Promise((resolve) => lanServer.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

const hosted = (status: HostingStatus) => {
  if (status.state !== 'hosting') throw new Error('not hosting');
  return status;
};
const port = (url: string): number => Number(new URL(url).port);

describe('the hosting channels', () => {
  it('refuse malformed requests with a clear error, and do nothing', async () => {
    const invalid = (message: RegExp) => ({ ok: false, error: { code: 'invalid-arguments', message: expect.stringMatching(message) } });
    expect(await call('hosting:start', { port: 'eighty' })).toMatchObject(invalid(/^hosting:start: .*port/s));
    expect(await call('hosting:start', { port: 80, extra: true })).toMatchObject(invalid(/^hosting:start: /));
    expect(await call('hosting:resolve-invite', 'https://x/?room=y')).toMatchObject(invalid(/^hosting:resolve-invite: /));
    expect(hosting.status().state).toBe('idle');
    expect(await handlers['hosting:copy-invite']()).toBeNull();
    expect(pins.list()).toEqual([]);
  });

  it("start hosting under the person's name; the app's own certificate is pinned for its own addresses", async () => {
    const status = hosted(await handlers['hosting:start']());
    expect(status.invite.meetingName).toBe("Ada's meeting");
    expect(pins.list()).toEqual([{ server: status.self.server, fingerprint: status.invite.fingerprint }]);
    const text = await handlers['hosting:copy-invite']();
    expect(copied).toEqual([text]);
    expect(text).toContain(status.invite.links[0]!.url);
  });

  it('resolve an invite link: check the server presents its certificate, then pin it for that host:port only', async () => {
    const link = `${lanUrl}/?room=calm-otter-42&fp=${lanCertificate.fingerprint}`;
    expect(await handlers['hosting:resolve-invite']({ link })).toEqual({ server: lanUrl, room: 'calm-otter-42', fingerprint: lanCertificate.fingerprint });
    expect(pins.get(lanUrl)).toBe(lanCertificate.fingerprint);
    expect(pins.list()).toHaveLength(2); // this one and the hosted meeting's, one each
  });

  it('refuse an invite whose certificate is not the one the server presents, and leave the pins exactly as they were', async () => {
    const before = pins.list();
    const status = hosted(hosting.status());
    expect(await call('hosting:resolve-invite', { link: `${lanUrl}/?room=calm-otter-42&fp=${forged.fingerprint}` })).toMatchObject({
      ok: false,
      error: {
        code: 'certificate-refused',
        message: expect.stringMatching(/presented a different certificate than the invite expects .*Someone may be intercepting the connection/),
        details: { host: new URL(lanUrl).host, expected: formatFingerprint(forged.fingerprint), presented: formatFingerprint(lanCertificate.fingerprint) },
      },
    });
    await expect(handlers['hosting:resolve-invite']({ link: `${status.self.server}/?room=${status.invite.code}&fp=${forged.fingerprint}` })).rejects.toThrow(
      /presented a different certificate/,
    );
    // Nothing answers here: not reachable, nothing pinned either.
    expect(await call('hosting:resolve-invite', { link: `https://127.0.0.1:9/?room=x&fp=${forged.fingerprint}` })).toMatchObject({
      ok: false,
      error: {
        code: 'unreachable',
        message: expect.stringMatching(/^Cannot reach the meeting server at 127\.0\.0\.1:9/),
        details: { host: '127.0.0.1:9', reason: expect.any(String) },
      },
    });
    expect(pins.list()).toEqual(before);
  });

  it('a typed host:port without a fingerprint is not trusted on a DNS-SD announcement: it fails with the certificate the server presented', async () => {
    // The network announces this very server with its real fingerprint; that is no reason to trust it.
    discovered = [
      toDiscoveredMeeting({
        fqdn: 'LAN meeting (calm-otter-42)._roundtable._tcp.local',
        port: port(lanUrl),
        txt: { name: 'LAN meeting', code: 'calm-otter-42', fp: lanCertificate.fingerprint, v: '1' },
        addresses: ['127.0.0.1'],
      })!,
    ];
    pins.unpin(lanUrl);
    const before = pins.list();
    const request = { server: `127.0.0.1:${port(lanUrl)}`, room: 'calm-otter-42' };
    const error = await Promise.resolve()
      .then(() => handlers['hosting:resolve-invite'](request))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UntrustedCertificateError);
    const untrusted = error as UntrustedCertificateError;
    expect(untrusted).toMatchObject({
      code: 'untrusted-certificate',
      host: `127.0.0.1:${port(lanUrl)}`,
      fingerprint: lanCertificate.fingerprint,
      fingerprintText: formatFingerprint(lanCertificate.fingerprint),
    });
    expect(untrusted.fingerprintText).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // The renderer gets it as an error envelope with the fingerprint as data (no message to parse)…
    const expected = {
      host: `127.0.0.1:${port(lanUrl)}`,
      fingerprint: lanCertificate.fingerprint,
      fingerprintText: formatFingerprint(lanCertificate.fingerprint),
    };
    const envelope = await call('hosting:resolve-invite', request);
    expect(envelope).toEqual({ ok: false, error: { code: 'untrusted-certificate', message: untrusted.message, details: expected } });
    // …which the renderer's client throws as a DesktopError, read back with its code and details.
    const thrown = await Promise.resolve()
      .then(() => unwrap(envelope))
      .catch((e: unknown) => e);
    expect(readUntrustedCertificate(thrown)).toEqual(expected);
    expect(readUntrustedCertificate(new Error(untrusted.message))).toBeNull();
    expect(pins.list()).toEqual(before);
    discovered = [];
  });

  it('the person compares that fingerprint and joins with it: checked, then pinned', async () => {
    const fingerprintText = formatFingerprint(lanCertificate.fingerprint);
    const link = `${lanUrl}/?${new URLSearchParams({ room: 'calm-otter-42', fp: fingerprintText })}`;
    expect(await handlers['hosting:resolve-invite']({ link })).toEqual({ server: lanUrl, room: 'calm-otter-42', fingerprint: lanCertificate.fingerprint });
    expect(pins.get(lanUrl)).toBe(lanCertificate.fingerprint);
  });

  it('a new pin replaces the old one for the same host:port only once it was checked', async () => {
    const restarted = await listen(forged); // the server came back with a new certificate, on another port here
    try {
      pins.pin(restarted.url, lanCertificate.fingerprint); // the one it had before
      await handlers['hosting:resolve-invite']({ link: `${restarted.url}/?room=calm-otter-42&fp=${forged.fingerprint}` });
      expect(pins.get(restarted.url)).toBe(forged.fingerprint);
      expect(pins.get(lanUrl)).toBe(lanCertificate.fingerprint);
      pins.unpin(restarted.url);
    } finally {
      await new Promise((resolve) => restarted.server.close(resolve));
    }
  });

  it('a typed address whose certificate passes the usual checks resolves without a pin', async () => {
    const trusting = createHostingHandlers({
      hosting,
      pins,
      discovered: () => [],
      copyText: () => undefined,
      // As if a trusted authority had signed the server's certificate.
      probe: (server) => probeTrust(server, { ca: [lanCertificate.cert] }),
    });
    pins.unpin(lanUrl);
    const before = pins.list();
    expect(await trusting['hosting:resolve-invite']({ server: `127.0.0.1:${port(lanUrl)}`, room: 'calm-otter-42' })).toEqual({
      server: lanUrl,
      room: 'calm-otter-42',
      fingerprint: null,
    });
    expect(pins.list()).toEqual(before);
  });

  it('stop hosting: the own pins go with it', async () => {
    expect(await handlers['hosting:stop']()).toEqual({ state: 'idle', lastError: null });
    expect(pins.list()).toEqual([]);
  });
});
