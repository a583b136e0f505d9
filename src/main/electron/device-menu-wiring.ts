import type { DeviceSnapshot } from '@shared/ipc/devices';
import type { DeviceCatalogue } from '../services/devices';
import { sendToRenderer } from './ipc';

/** Every new snapshot rebuilds the menu and reaches every window (the pickers show the same state). */
export function followDeviceChanges(catalogue: DeviceCatalogue, rebuildMenu: (snapshot: DeviceSnapshot) => void, devServerUrl?: string): () => void {
  return catalogue.onChange((snapshot) => {
    rebuildMenu(snapshot);
    sendToRenderer('devices:changed', snapshot, devServerUrl);
  });
}
