import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { createPinnedAgent } from '@roundtable/signaling-server';
import { PROTOCOL_VERSION } from '@roundtable/signaling-server/protocol';
import type { MeetingReport } from '@shared/ipc/meeting';
import { app, clipboard, Tray, type BrowserWindow } from '../../../tests/fakes/electron';
import { CertificatePins } from '../services/hosting/certificate-pins';
import { HostingService } from '../services/hosting/hosting-service';
import { installHosting, type InstalledHosting } from './hosting-ipc';
import { trayImages } from './tray';
import { createMainWindow } from './window';

let dataDir: string;
let hosting: HostingService;
let installed: InstalledHosting;
let window: BrowserWindow;

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
  installed = installHosting({ hosting, pins: new CertificatePins(), discovery: null, trayImages: trayImages('/res') }, { showWindow: () => window.show() });
});
afterAll(async () => {
  await hosting.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('hosting in the desktop shell', () => {
  it('takes meeting reports from the renderer only when they are well-formed', async () => {
    const handle = installed.handlers['meeting:report'] as (r: unknown) => void;
    expect(() => handle({ stage: 'meeting' })).toThrow(/^meeting:report: /);
    handle(report());
    expect(Tray.all[0]!.tooltip).toBe('Roundtable — not in a meeting');
  });

  it('"Host a meeting" in the tray starts hosting under the person\'s name and joins them into it', async () => {
    click('Host a meeting');
    await expect.poll(() => hosting.status().state).toBe('hosting');
    const status = hosting.status();
    if (status.state !== 'hosting') throw new Error('not hosting');
    expect(status.invite.meetingName).toBe("Ada's meeting");
    await expect.poll(() => sent('meeting:command')).toEqual([{ kind: 'join', target: status.self, autojoin: true }]);
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
      session: 's1',
      media: { audio: true, video: true },
    });
    const ended = new Promise((resolve) => guest.once('meeting-ended', resolve));

    click('Quit Roundtable');
    expect(app.quit).toHaveBeenCalledTimes(1);
    const preventDefault = vi.fn();
    app.emit('before-quit', { preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    expect(await ended).toEqual({ reason: 'host-stopped', message: 'The host quit Roundtable.' });
    await expect.poll(() => app.quit.mock.calls.length).toBe(2);
    expect(hosting.status().state).toBe('idle');
    // Now the window really closes.
    window.close();
    expect(window.isDestroyed()).toBe(true);
    guest.disconnect();
  });
});
