import type { SectionHandlers } from '@shared/ipc/contract';
import type { DEVICES_CHANNELS } from '@shared/ipc/devices';
import type { DeviceCatalogue } from '../services/devices';

/**
 * IPC handlers of the device catalogue (their arguments are validated before they run). No
 * Electron here: the end-to-end tests' stand-in for the preload runs them too.
 */
export function devicesIpcHandlers(catalogue: DeviceCatalogue): SectionHandlers<typeof DEVICES_CHANNELS> {
  return {
    'devices:snapshot': () => catalogue.snapshot(),
    'devices:report-browser': (devices) => catalogue.reportBrowserDevices(devices),
    'devices:select': (role, key) => catalogue.select(role, key),
    'devices:refresh': () => catalogue.refresh(),
  };
}
