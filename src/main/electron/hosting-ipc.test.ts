import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { createPinnedAgent, createSelfSignedCertificate, formatFingerprint } from '@roundtable/signaling-server';
import { PROTOCOL_VERSION } from '@roundtable/signaling-server/protocol';
import type { DiscoveredMeeting, HostingStatus } from '@shared/ipc/hosting';
import { MEETING_CHANNELS, type MeetingReport } from '@shared/ipc/meeting';
import { app, clipboard, session, Tray, type BrowserWindow } from '../../../tests/fakes/electron';
import { CertificatePins } from '../services/hosting/certificate-pins';
import { toDiscoveredMeeting, type Discovery } from '../services/hosting/discovery';
import { HostingService } from '../services/hosting/hosting-service';
import { channelRunners } from '../ipc/dispatch';
import { installHosting, type InstalledHosting } from './hosting-ipc';
import { trayImages } from './tray';
import { createMainWindow } from './window';

let dataDir: string;
let hosting: HostingService;
/** Resolves once the hosting service is in `state` (at once if it is), on its own status events: a server can take seconds to start on a busy machine. */
function reaches(state: HostingStatus['state']): Promise<void> {
  return new Promise((resolve) => {
    if (hosting.status().state === state) return resolve();
    const listener = (status: HostingStatus): void => {
      if (status.state !== state) return;
      hosting.events.off('status', listener);
      resolve();
    };
    hosting.events.on('status', listener);
  });
}
let installed: InstalledHosting;
let window: BrowserWindow;
let pins: CertificatePins;

/** DNS-SD as the shell sees it: the test plays the network's answers. */
let answer: (meetings: DiscoveredMeeting[]) => void = () => undefined;
const discovery: Discovery = {
  announce: async () => async () => undefined,
  browse: (listener) => {
    answer = listener;
    listener([]);
    return () => undefined;
  },
  close: async () => undefined,
};
/** What anyone on the LAN can send: a DNS-SD answer naming any address, port and fingerprint. */
const announcement = (address: string, port: number, fingerprint: string, code = 'calm-otter-42'): DiscoveredMeeting =>
  toDiscoveredMeeting({
    fqdn: `Meeting (${code})._roundtable._tcp.local`,
    port,
    txt: { name: 'Meeting', code, fp: fingerprint, v: String(PROTOCOL_VERSION) },
    addresses: [address],
  })!;

/** A meeting hosted on another machine of the LAN (here on loopback), with its own self-signed certificate. */
const lanCertificate = createSelfSignedCertificate({ commonName: 'a LAN meeting', ipAddresses: ['127.0.0.1'] });
const forged = createSelfSignedCertificate({ commonName: 'forged', ipAddresses: ['127.0.0.1'] });
let lanServer: Server;
let lanUrl: string;

/** The certificate (PEM) the server at `url` presents. */
function presentedCertificate(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(new X509Certificate(socket.getPeerCertificate(false).raw).toString());
      socket.destroy();
    });
    socket.once('error', reject);
  });
}
const resolveInvite = (request: unknown) => (installed.handlers['hosting:resolve-invite'] as (r: unknown) => Promise<unknown>)(request);
const meetingReport = (r: MeetingReport) => (installed.handlers['meeting:report'] as (r: unknown) => void)(r);

const report = (change: Partial<MeetingReport> = {}): MeetingReport => ({
  stage: 'home',
  name: 'Ada',
  room: null,
  server: null,
  participants: 0,
  micEnabled: true,
  cameraEnabled: true,
  ...change,
});
const sent = (channel: string): unknown[] => window.webContents.send.mock.calls.filter(([c]) => c === channel).map(([, payload]) => payload);
const menu = (): MenuItemConstructorOptions[] => (Tray.all[0]!.menu as unknown as { template: MenuItemConstructorOptions[] }).template;
const click = (label: string): void => (menu().find((i) => i.label === label)!.click as () => void)();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roundtable-shell-hosting-'));
  hosting = new HostingService({ dataDir, listenHost: '127.0.0.1', preferredPort: 0, addresses: () => ['127.0.0.1'], discovery: null });
  window = createMainWindow({ preload: '/p.cjs', hideOnClose: () => installed.hideOnClose() }) as unknown as BrowserWindow;
  await Promise.resolve();
  pins = new CertificatePins();
  installed = installHosting({ hosting, pins, discovery, trayImages: trayImages('/res') }, { showWindow: () => window.show() });
  lanServer = createServer({ cert: lanCertificate.cert, key: lanCertificate.key }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => lanServer.listen(0, '127.0.0.1', resolve));
  lanUrl = `https://127.0.0.1:${(lanServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await hosting.stop();
  await new Promise((resolve) => lanServer.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

describe('hosting in the desktop shell', () => {
  it('takes meeting reports from the renderer only when they are well-formed', async () => {
    const run = channelRunners({ meeting: MEETING_CHANNELS }, installed.handlers).get('meeting:report')!;
    expect(await run([{ stage: 'meeting' }])).toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments', message: expect.stringMatching(/^meeting:report: /) },
    });
    expect(await run([report()])).toEqual({ ok: true, value: undefined });
    expect(Tray.all[0]!.tooltip).toBe('Roundtable — not in a meeting');
  });

  it('pins nothing for what it hears on the network: meetings found are only listed', async () => {
    const lanPort = Number(new URL(lanUrl).port);
    answer([announcement('127.0.0.1', lanPort, lanCertificate.fingerprint), announcement('127.0.0.1', lanPort, forged.fingerprint, 'other-code')]);
    expect(sent('hosting:discovered').at(-1)).toHaveLength(2);
    expect(pins.list()).toEqual([]);
    expect(await session.defaultSession.connect(lanUrl, lanCertificate.cert)).toBe('refused');
    expect(await session.defaultSession.connect(lanUrl, forged.cert)).toBe('refused');

    // Typing that meeting's address without a fingerprint does not borrow the announced one: the
    // person is shown the certificate the server presented, to compare with the host's.
    await expect(resolveInvite({ server: `127.0.0.1:${lanPort}`, room: 'calm-otter-42' })).rejects.toThrow(
      `Its fingerprint is ${formatFingerprint(lanCertificate.fingerprint)}.`,
    );
    expect(pins.list()).toEqual([]);
    answer([]);
  });

  it('"Host a meeting" in the tray starts hosting under the person\'s name and joins them into it', async () => {
    click('Host a meeting');
    await reaches('hosting');
    const status = hosting.status();
    if (status.state !== 'hosting') throw new Error('not hosting');
    expect(status.invite.meetingName).toBe("Ada's meeting");
    await expect.poll(() => sent('meeting:command'), { timeout: 10_000 }).toEqual([{ kind: 'join', target: status.self, autojoin: true, start: true }]);
    expect(sent('hosting:status').at(-1)).toEqual(status);
    expect(Tray.all[0]!.tooltip).toBe(`Roundtable — hosting “Ada's meeting” (${status.invite.code}) · nobody has joined yet`);
    click('Copy invite link');
    expect(clipboard.text).toContain(status.invite.links[0]!.url);
  });

  it('closing the window during a meeting keeps the app (and the meeting) in the tray', () => {
    (installed.handlers['meeting:report'] as (r: unknown) => void)(report({ stage: 'meeting', room: 'x', participants: 1 }));
    window.show();
    window.close();
    expect(window.isDestroyed()).toBe(false);
    expect(window.isVisible()).toBe(false);
    click('Show window');
    expect(window.isVisible()).toBe(true);
    click('Mute');
    expect(sent('meeting:command').at(-1)).toEqual({ kind: 'mute' });
  });

  it("a forged DNS-SD answer naming a real meeting's address with another fingerprint changes nothing that is accepted there", async () => {
    const status = hosting.status();
    if (status.state !== 'hosting') throw new Error('not hosting');
    const own = await presentedCertificate(status.self.server);
    // The person joins a meeting on the LAN by its invite link: checked, then pinned.
    await resolveInvite({ link: `${lanUrl}/?room=calm-otter-42&fp=${lanCertificate.fingerprint}` });
    meetingReport(report({ stage: 'meeting', room: 'calm-otter-42', server: lanUrl, participants: 2 }));
    const before = pins.list();

    // A device on the LAN announces both meetings' host:port with its own certificate.
    answer([
      announcement('127.0.0.1', status.port, forged.fingerprint, status.invite.code),
      announcement('127.0.0.1', Number(new URL(lanUrl).port), forged.fingerprint),
    ]);
    expect(pins.list()).toEqual(before);
    for (const [server, genuine] of [
      [status.self.server, own],
      [lanUrl, lanCertificate.cert],
    ] as const) {
      expect(await session.defaultSession.connect(server, genuine), server).toBe('accepted');
      expect(await session.defaultSession.connect(server, forged.cert), server).toBe('refused');
      expect(await session.defaultSession.connect(`wss://${new URL(server).host}/socket.io/`, forged.cert), server).toBe('refused');
    }
    answer([]);
  });

  it("a meeting's pin goes when the person leaves it; the hosted meeting's stays while it is hosted", async () => {
    const status = hosting.status();
    if (status.state !== 'hosting') throw new Error('not hosting');
    expect(await session.defaultSession.connect(lanUrl, lanCertificate.cert)).toBe('accepted');
    meetingReport(report({ stage: 'left', room: 'calm-otter-42', server: lanUrl }));
    expect(pins.get(lanUrl)).toBeNull();
    expect(await session.defaultSession.connect(lanUrl, lanCertificate.cert)).toBe('refused');

    meetingReport(report({ stage: 'left', room: status.invite.code, server: status.self.server }));
    meetingReport(report({ stage: 'home', server: status.self.server }));
    expect(await session.defaultSession.connect(status.self.server, await presentedCertificate(status.self.server))).toBe('accepted');
    meetingReport(report({ stage: 'meeting', room: 'x', participants: 1 }));
  });

  it('Quit really quits: the meeting ends for everyone, who are told why', async () => {
    const status = hosting.status();
    if (status.state !== 'hosting') throw new Error('not hosting');
    const guest: Socket = io(status.self.server, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      agent: createPinnedAgent(status.invite.fingerprint) as never,
    });
    await new Promise<void>((resolve) => guest.once('connect', () => resolve()));
    await guest.timeout(3000).emitWithAck('join', {
      protocol: PROTOCOL_VERSION,
      room: status.invite.code,
      name: 'Grace',
      secret: 'g'.repeat(24),
      session: 'session-1',
      media: { audio: true, video: true },
      // The first one in starts the meeting, as the host's own app would.
      create: {},
    });
    const ended = new Promise((resolve) => guest.once('meeting-ended', resolve));

    click('Quit Roundtable');
    expect(app.quit).toHaveBeenCalledTimes(1);
    const preventDefault = vi.fn();
    app.emit('before-quit', { preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    expect(await ended).toEqual({ reason: 'host-stopped', code: 'host-quit', meetingName: status.invite.meetingName, message: 'The host quit Roundtable.' });
    await expect.poll(() => app.quit.mock.calls.length, { timeout: 10_000 }).toBe(2);
    expect(hosting.status().state).toBe('idle');
    // Its certificate is no longer accepted anywhere.
    expect(pins.list()).toEqual([]);
    // Now the window really closes.
    window.close();
    expect(window.isDestroyed()).toBe(true);
    guest.disconnect();
  });
});
