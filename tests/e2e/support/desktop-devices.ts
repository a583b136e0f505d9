import type { Page } from 'playwright-core';
import { APP_CHANNELS } from '../../../src/shared/ipc/app';
import { DEVICES_CHANNELS, type DeviceRole, type DeviceSnapshot } from '../../../src/shared/ipc/devices';
import { HOSTING_CHANNELS } from '../../../src/shared/ipc/hosting';
import { MEETING_CHANNELS } from '../../../src/shared/ipc/meeting';
import { deviceMenuActions, deviceMenuTemplate } from '../../../src/main/electron/device-menu';
import { devicesIpcHandlers } from '../../../src/main/electron/devices-ipc';
import { channelRunners } from '../../../src/main/ipc/dispatch';
import type { DeviceCatalogue } from '../../../src/main/services/devices';
import { videoRgb } from './meeting-page';
import { emitToPage, exposeDesktop, idleHostingHandlers, testAppHandlers, type Runners } from './test-desktop';

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

const SECTIONS = { app: APP_CHANNELS, hosting: HOSTING_CHANNELS, meeting: MEETING_CHANNELS, devices: DEVICES_CHANNELS };

/** Runs in the page after its `window.desktop` is made: the meeting server the app remembers. A string, because tsx rewrites functions it compiles. */
const REMEMBER_SERVER = `(server) => localStorage.setItem('roundtable.lastServer', server)`;

/**
 * The desktop app's main process, as far as devices go, for a page in plain Chromium: the page
 * gets a `window.desktop` whose device calls go (through Playwright's exposeBinding and the shell's
 * generic channel path) to the REAL catalogue running in the test, with its real FFmpeg; the
 * catalogue's changes are pushed back as `devices:changed` events, and the app menu is the real
 * template built from the same catalogue. Hosting is idle.
 */
export class DesktopDevices {
  private readonly pages = new Set<Page>();
  private readonly runners: Runners;
  private readonly off: () => void;

  constructor(readonly catalogue: DeviceCatalogue) {
    this.runners = channelRunners(SECTIONS, { ...testAppHandlers('0.0.0-e2e'), ...idleHostingHandlers(), ...devicesIpcHandlers(catalogue) });
    this.off = catalogue.onChange((snapshot) => {
      for (const page of this.pages) void emitToPage(page, 'devices:changed', snapshot).catch(() => undefined);
    });
  }

  /** Makes `page` the desktop app's window; `server` is the meeting server it remembers. */
  async attach(page: Page, server: string): Promise<void> {
    this.pages.add(page);
    page.once('close', () => this.pages.delete(page));
    await exposeDesktop(page, SECTIONS, this.runners, { script: REMEMBER_SERVER, arg: server });
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
}

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
