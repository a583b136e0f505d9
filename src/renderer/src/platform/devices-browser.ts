import type { BrowserDevice, DeviceEntry, DeviceRole, DeviceSnapshot } from '@shared/ipc/devices';
import { Store } from '../call/store';
import { browserDevices, NO_DEVICES, type DeviceChoices } from './devices-model';

const KIND: Record<DeviceRole, MediaDeviceKind> = { camera: 'videoinput', microphone: 'audioinput', speaker: 'audiooutput' };
const NOUN: Record<DeviceRole, string> = { camera: 'Camera', microphone: 'Microphone', speaker: 'Speaker' };
const ROLES: DeviceRole[] = ['camera', 'microphone', 'speaker'];

/** Chromium's list as menu entries: everything Chromium lists can be used; the key is its deviceId. */
export function browserSnapshot(devices: readonly BrowserDevice[], chosen: Partial<Record<DeviceRole, string>>): DeviceSnapshot {
  const entries = { camera: [], microphone: [], speaker: [] } as Record<DeviceRole, DeviceEntry[]>;
  for (const role of ROLES) {
    entries[role] = devices
      .filter((d) => d.kind === KIND[role] && d.deviceId !== '')
      .map((d, index) => ({
        key: d.deviceId,
        role,
        label: d.label || `${NOUN[role]} ${index + 1}`,
        browserId: d.deviceId,
        ffmpeg: null,
        isDefault: d.deviceId === 'default',
        enabled: true,
        note: null,
      }));
  }
  const pick = (role: DeviceRole): string | null => {
    const list = entries[role];
    const wanted = chosen[role];
    return (list.find((e) => e.key === wanted) ?? list.find((e) => e.isDefault) ?? list[0])?.key ?? null;
  };
  return { entries, selected: { camera: pick('camera'), microphone: pick('microphone'), speaker: pick('speaker') }, ffmpeg: NO_DEVICES.ffmpeg };
}

/** A browser guest's devices: Chromium's list, choices remembered in localStorage (`roundtable.camera`…). */
export function browserDeviceChoices(storage: Pick<Storage, 'getItem' | 'setItem'>, media: MediaDevices = navigator.mediaDevices): DeviceChoices {
  const chosen: Partial<Record<DeviceRole, string>> = {};
  for (const role of ROLES) chosen[role] = storage.getItem(`roundtable.${role}`) ?? undefined;
  let devices: BrowserDevice[] = [];
  const state = new Store<DeviceSnapshot>(NO_DEVICES);
  const publish = (): void => state.set(browserSnapshot(devices, chosen));
  const rescan = async (): Promise<void> => {
    devices = await browserDevices(media);
    publish();
  };
  const first = rescan().catch(() => undefined);
  media.addEventListener('devicechange', () => void rescan());
  return {
    kind: 'browser',
    state,
    ready: () => first,
    rescan,
    refresh: rescan,
    select: async (role, key) => {
      chosen[role] = key;
      storage.setItem(`roundtable.${role}`, key);
      publish();
    },
  };
}
