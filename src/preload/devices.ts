import type { DevicesApi } from '@shared/ipc/devices';
import { invoke } from './bridge';

/** `window.desktop.devices`: the device catalogue of the main process. */
export const devicesApi: DevicesApi = {
  snapshot: () => invoke('devices:snapshot'),
  reportBrowserDevices: (devices) => invoke('devices:report-browser', devices),
  select: (role, key) => invoke('devices:select', role, key),
  refresh: () => invoke('devices:refresh'),
};
