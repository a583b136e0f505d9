import { z } from 'zod';
import { BrowserDeviceListSchema, DeviceKeySchema, DeviceRoleSchema, type DevicesChannels } from '@shared/ipc/devices';
import type { DeviceCatalogue } from '../services/devices';
// Types only: the handlers run without Electron too (the end-to-end tests call them directly).
import type { IpcHandlers } from './ipc';

/** IPC handlers of the device catalogue. Arguments come from a renderer and are checked here. */
export function devicesIpcHandlers(catalogue: DeviceCatalogue): Pick<IpcHandlers, keyof DevicesChannels> {
  return {
    'devices:snapshot': () => catalogue.snapshot(),
    'devices:report-browser': (devices: unknown) => {
      catalogue.reportBrowserDevices(parse(BrowserDeviceListSchema, devices, 'devices:report-browser'));
    },
    'devices:select': (role: unknown, key: unknown) =>
      catalogue.select(parse(DeviceRoleSchema, role, 'devices:select role'), parse(DeviceKeySchema, key, 'devices:select key')),
    'devices:refresh': () => catalogue.refresh(),
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}
