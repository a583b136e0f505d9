import type { Page } from 'playwright-core';
import type { DeviceRole, DeviceSnapshot } from '../../../src/shared/ipc/devices';
import { deviceMenuActions, deviceMenuTemplate } from '../../../src/main/electron/device-menu';
import { devicesIpcHandlers } from '../../../src/main/electron/devices-ipc';
import type { DeviceCatalogue } from '../../../src/main/services/devices';
import { videoRgb } from './meeting-page';

/** A menu item as the template describes it (what Electron would show). */
export interface MenuItem {
  id?: string;
  label?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItem[];
}

const ROLE_MENU: Record<DeviceRole, string> = { camera: 'Camera', microphone: 'Microphone', speaker: 'Speaker' };

/**
 * The desktop app's main process, as far as devices go, for a page in plain Chromium: the page
 * gets a `window.desktop` whose device calls go (through Playwright's exposeBinding) to the REAL
 * catalogue running in the test, with its real FFmpeg; the catalogue's changes are pushed back as
 * `devices:changed` events, and the app menu is the real template built from the same catalogue.
 */
export class DesktopDevices {
  private readonly pages = new Set<Page>();
  private readonly handlers;
  private readonly off: () => void;

  constructor(readonly catalogue: DeviceCatalogue) {
    this.handlers = devicesIpcHandlers(catalogue);
    this.off = catalogue.onChange((snapshot) => {
      for (const page of this.pages)
        void page
          .evaluate((s) => (window as unknown as { __rtDesktopEmit(e: string, p: unknown): void }).__rtDesktopEmit('devices:changed', s), snapshot)
          .catch(() => undefined);
    });
  }

  /** Makes `page` the desktop app's window; `server` is the meeting server it remembers. */
  async attach(page: Page, server: string): Promise<void> {
    this.pages.add(page);
    page.once('close', () => this.pages.delete(page));
    await page.exposeBinding('__rtDesktopCall', async (_source, section: string, method: string, args: unknown[]) => this.call(section, method, args));
    await page.addInitScript(DESKTOP_INIT, server);
  }

  /** The Devices menu the app would show now. */
  menu(): MenuItem {
    return deviceMenuTemplate(this.catalogue.snapshot(), deviceMenuActions(this.catalogue)) as MenuItem;
  }

  /** The radio items of Camera ▸ / Microphone ▸ / Speaker ▸. */
  items(role: DeviceRole): MenuItem[] {
    return this.menu().submenu!.find((i) => i.label === ROLE_MENU[role])!.submenu!;
  }

  /** Chooses a device in the app menu, as a user would, and waits until the catalogue took it. */
  async choose(role: DeviceRole, label: string): Promise<DeviceSnapshot> {
    const item = this.items(role).find((i) => i.label === label || i.label?.startsWith(`${label} (`));
    if (!item)
      throw new Error(
        `no "${label}" in ${ROLE_MENU[role]} ▸: ${this.items(role)
          .map((i) => i.label)
          .join(', ')}`,
      );
    const changed = new Promise<DeviceSnapshot>((resolve) => {
      const off = this.catalogue.onChange((s) => {
        off();
        resolve(s);
      });
    });
    item.click!();
    return changed;
  }

  close(): void {
    this.off();
    this.pages.clear();
  }

  private async call(section: string, method: string, args: unknown[]): Promise<unknown> {
    const h = this.handlers;
    if (section === 'devices') {
      if (method === 'snapshot') return h['devices:snapshot']();
      if (method === 'reportBrowserDevices') return h['devices:report-browser'](...(args as [never]));
      if (method === 'select') return h['devices:select'](...(args as [never, never]));
      if (method === 'refresh') return h['devices:refresh']();
    }
    if (section === 'app' && method === 'info') return { name: 'Roundtable', version: '0.0.0-e2e', platform: process.platform };
    // Other features of the desktop app are idle in these tests.
    if (section === 'hosting' && method === 'status') return { state: 'idle', lastError: null };
    if (section === 'hosting' && method === 'discovered') return [];
    if (section === 'meeting' && method === 'report') return undefined;
    throw new Error(`${section}.${method} is not available in this test`);
  }
}

/** Runs in the page before the app: a `window.desktop` that forwards to the test, and the remembered server. */
const DESKTOP_INIT = (server: string): void => {
  type Call = (section: string, method: string, args: unknown[]) => Promise<unknown>;
  const call = (window as unknown as { __rtDesktopCall: Call }).__rtDesktopCall;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const section = (name: string) =>
    new Proxy({}, { get: (_target, method) => (typeof method === 'string' ? (...args: unknown[]) => call(name, method, args) : undefined) });
  Object.defineProperty(window, '__rtDesktopEmit', {
    value: (event: string, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload)),
  });
  (window as unknown as { desktop: unknown }).desktop = {
    app: section('app'),
    hosting: section('hosting'),
    meeting: section('meeting'),
    devices: section('devices'),
    on: (event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
  localStorage.setItem('roundtable.lastServer', server);
};

/**
 * Which of Chromium's fake cameras a video shows (with `device-count=3`), from the average colour
 * of the middle third of its frames: fake_device_0 is green with a growing bright pac-man (green
 * channel 145–230), fake_device_2 a constant darker green (0, 128, 1), fake_device_1 black and grey
 * (Y16: it previews, but WebRTC cannot encode it).
 */
export type FakeCameraLook = 'pacman' | 'plain-green' | 'grey' | 'other' | 'none';

/** Samples the middle third of the first `video` matching `selector` (its decoded frames, whatever the tile crops). */
export async function cameraLook(page: Page, selector: string): Promise<FakeCameraLook> {
  const rgb = await videoRgb(page, selector);
  if (!rgb) return 'none';
  const [r, g, b] = rgb;
  if (g > r + 40 && g > b + 40) return g >= 138 ? 'pacman' : 'plain-green';
  if (Math.max(r, g, b) - Math.min(r, g, b) < 24) return 'grey';
  return 'other';
}

export const tileVideo = (participantId: string): string => `[data-testid="tile"][data-participant-id="${participantId}"] video`;
export const PREVIEW_VIDEO = '[data-testid="preview"] video';

/**
 * Records every RTCPeerConnection the page makes and still has open (one it closed drops out, such
 * as the connection prepared on the pre-join screen for a meeting nobody else was in), and counts
 * setLocalDescription calls (one per offer or answer), so a test can tell a replaceTrack from a
 * renegotiation or a new connection.
 */
export async function watchPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const pcs: RTCPeerConnection[] = [];
    let negotiations = 0;
    const original = Native.prototype.setLocalDescription;
    Native.prototype.setLocalDescription = function (this: RTCPeerConnection, ...args: Parameters<typeof original>) {
      negotiations += 1;
      return original.apply(this, args);
    } as typeof original;
    window.RTCPeerConnection = new Proxy(Native, {
      construct(target, args: ConstructorParameters<typeof RTCPeerConnection>) {
        const pc = new target(...args);
        pcs.push(pc);
        return pc;
      },
    });
    const open = (): RTCPeerConnection[] => pcs.filter((pc) => pc.signalingState !== 'closed');
    Object.defineProperty(window, '__rtPeers', {
      value: {
        get pcs() {
          return open();
        },
        negotiations: () => negotiations,
      },
    });
  });
}

export interface PeerWatch {
  pcs: RTCPeerConnection[];
  negotiations(): number;
}
