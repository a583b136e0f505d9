import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '@roundtable/signaling-server';
import type { DiscoveredMeeting, HostingStatus } from '@shared/ipc/hosting';
import { CertificatePins } from './certificate-pins';
import { createHostingHandlers, type HostingHandlers } from './hosting-handlers';
import { HostingService } from './hosting-service';

let dataDir: string;
let hosting: HostingService;
let pins: CertificatePins;
let copied: string[];
let discovered: DiscoveredMeeting[];
let handlers: HostingHandlers;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roundtable-handlers-'));
  hosting = new HostingService({ dataDir, listenHost: '127.0.0.1', preferredPort: 0, addresses: () => ['127.0.0.1'], discovery: null });
  pins = new CertificatePins();
  copied = [];
  discovered = [];
  handlers = createHostingHandlers({
    hosting,
    pins,
    discovered: () => discovered,
    copyText: (text) => copied.push(text),
    defaultMeetingName: () => "Ada's meeting",
  });
});
afterAll(async () => {
  await hosting.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const hosted = (status: HostingStatus) => {
  if (status.state !== 'hosting') throw new Error('not hosting');
  return status;
};

describe('the hosting channels', () => {
  it('refuse malformed requests with a clear error, and do nothing', async () => {
    await expect(handlers['hosting:start']({ port: 'eighty' })).rejects.toThrow(/^hosting:start: .*port/s);
    await expect(handlers['hosting:start']({ port: 80, extra: true })).rejects.toThrow(/hosting:start/);
    await expect(handlers['hosting:resolve-invite']('https://x/?room=y')).rejects.toThrow(/^hosting:resolve-invite: /);
    expect(hosting.status().state).toBe('idle');
    expect(await handlers['hosting:copy-invite']()).toBeNull();
  });

  it("start hosting under the person's name and pin the app's own certificate", async () => {
    const status = hosted(await handlers['hosting:start']());
    expect(status.invite.meetingName).toBe("Ada's meeting");
    expect(pins.isPinned('127.0.0.1')).toBe(true);
    const text = await handlers['hosting:copy-invite']();
    expect(copied).toEqual([text]);
    expect(text).toContain(status.invite.links[0]!.url);
  });

  it('resolve an invite link: pin its certificate and check the server presents it', async () => {
    const status = hosted(hosting.status());
    const link = status.invite.links[0]!.url;
    expect(await handlers['hosting:resolve-invite']({ link })).toEqual({
      server: status.self.server,
      room: status.invite.code,
      fingerprint: status.invite.fingerprint,
    });
  });

  it('refuse an invite whose certificate is not the one the server presents', async () => {
    const status = hosted(hosting.status());
    const forged = createSelfSignedCertificate({ commonName: 'forged' }).fingerprint;
    await expect(handlers['hosting:resolve-invite']({ link: `${status.self.server}/?room=${status.invite.code}&fp=${forged}` })).rejects.toThrow(
      /presented a different certificate than the invite expects .*Someone may be intercepting the connection/,
    );
  });

  it('pin a code + server address from the meetings found on the network', async () => {
    const status = hosted(hosting.status());
    discovered = [
      {
        id: 'x',
        meetingName: 'm',
        code: status.invite.code,
        fingerprint: status.invite.fingerprint,
        protocol: 1,
        compatible: true,
        port: status.port,
        addresses: ['127.0.0.1'],
        url: '',
      },
    ];
    expect(await handlers['hosting:resolve-invite']({ server: `127.0.0.1:${status.port}`, room: status.invite.code })).toEqual({
      server: status.self.server,
      room: status.invite.code,
      fingerprint: status.invite.fingerprint,
    });
    discovered = [];
    expect((await handlers['hosting:resolve-invite']({ server: `127.0.0.1:${status.port}`, room: 'other' })).fingerprint).toBeNull();
  });

  it('stop hosting', async () => {
    expect(await handlers['hosting:stop']()).toEqual({ state: 'idle', lastError: null });
  });
});
