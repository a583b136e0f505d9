import type { DeviceSnapshot } from '@shared/ipc/devices';
import type { DesktopApi } from '@shared/desktop-api';
import { Store } from '../call/store';
import { browserDevices, NO_DEVICES, type DeviceChoices } from './devices-model';

/**
 * The desktop app's devices: the main process's catalogue. This side reports Chromium's list (at
 * start, on `devicechange`, after a permission is granted) and shows whatever the catalogue says,
 * so the pickers and the app menu always agree.
 */
export function desktopDeviceChoices(api: Pick<DesktopApi, 'devices' | 'on'>, media: MediaDevices = navigator.mediaDevices): DeviceChoices {
  const state = new Store<DeviceSnapshot>(NO_DEVICES);
  let pushed = false;
  api.on('devices:changed', (snapshot) => {
    pushed = true;
    state.set(snapshot);
  });
  const report = async (): Promise<void> => {
    await api.devices.reportBrowserDevices(await browserDevices(media));
  };
  const first = api.devices
    .snapshot()
    .then((snapshot) => {
      // A pushed snapshot is newer than the one this call asked for.
      if (!pushed) state.set(snapshot);
    })
    .catch(() => undefined);
  void report().catch(() => undefined);
  media.addEventListener('devicechange', () => void report().catch(() => undefined));
  return {
    kind: 'desktop',
    state,
    ready: () => first,
    rescan: () => report().catch(() => undefined),
    refresh: async () => {
      state.set(await api.devices.refresh());
    },
    select: async (role, key) => {
      state.set(await api.devices.select(role, key));
    },
  };
}
