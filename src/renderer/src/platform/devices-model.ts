import type { CaptureSource } from '@shared/ipc/capture';
import type { BrowserDevice, DeviceRole, DeviceSnapshot } from '@shared/ipc/devices';
import type { ReadonlyStore } from '../call/store';

export type { DeviceEntry, DeviceRole, DeviceSnapshot } from '@shared/ipc/devices';

/**
 * The camera, microphone and speaker to use, and the lists to choose from. In the desktop app the
 * main process's catalogue holds them (FFmpeg + Chromium, the app menu, persisted choices); a
 * browser guest has Chromium's list and its own remembered choices. Pickers, the meeting's device
 * settings and the app controller all watch the same `state`.
 */
export interface DeviceChoices {
  readonly kind: 'desktop' | 'browser';
  readonly state: ReadonlyStore<DeviceSnapshot>;
  /** Settles once the first list (cached or fresh) is known. */
  ready(): Promise<void>;
  select(role: DeviceRole, key: string): Promise<void>;
  /** Asks Chromium for its devices again (labels appear once a permission is granted). */
  rescan(): Promise<void>;
  /** "Refresh devices": lists FFmpeg's devices again (desktop), or Chromium's (browser). */
  refresh(): Promise<void>;
}

export const NO_DEVICES: DeviceSnapshot = {
  entries: { camera: [], microphone: [], speaker: [] },
  selected: { camera: null, microphone: null, speaker: null },
  ffmpeg: { state: 'pending', problem: null, message: null, source: 'none', listedAt: null },
};

/** Chromium's deviceId for the device in use for a role, if Chromium can open it. */
export function browserIdFor(snapshot: DeviceSnapshot, role: DeviceRole): string | undefined {
  const key = snapshot.selected[role];
  return snapshot.entries[role].find((e) => e.key === key && e.enabled)?.browserId ?? undefined;
}

/** The FFmpeg source to capture for a role, when the device in use is one Chromium cannot open. */
export function captureFor(snapshot: DeviceSnapshot, role: DeviceRole): CaptureSource | undefined {
  const key = snapshot.selected[role];
  return snapshot.entries[role].find((e) => e.key === key && e.enabled)?.capture;
}

/** `enumerateDevices()` as plain data (what crosses to the main process). */
export async function browserDevices(media: MediaDevices = navigator.mediaDevices): Promise<BrowserDevice[]> {
  const list = await media.enumerateDevices();
  return list.map(({ deviceId, kind, label, groupId }) => ({ deviceId, kind, label, groupId }));
}
