import type { MenuItemConstructorOptions } from 'electron';
import { DEVICE_ROLES, FFMPEG_PROBLEM_KEYS, type DeviceEntry, type DeviceRole, type DeviceSnapshot } from '@shared/ipc/devices';
import type { DeviceCatalogue } from '../services/devices';
import { errorMessage } from '@shared/errors';
import { englishText, type DesktopKey, type Translate } from '../text/desktop-text';
import { readDeviceNote } from '@shared/device-notes';

export interface DeviceMenuActions {
  select(role: DeviceRole, key: string): void;
  refresh(): void;
}

const TITLES: Record<DeviceRole, DesktopKey> = { camera: 'devices.camera', microphone: 'devices.microphone', speaker: 'devices.speaker' };
const NONE: Record<DeviceRole, DesktopKey> = { camera: 'devices.noCamera', microphone: 'devices.noMicrophone', speaker: 'devices.noSpeaker' };

/**
 * The "Devices" menu as data: Camera ▸, Microphone ▸ and Speaker ▸ as radio items with the device
 * in use checked, devices calls cannot use greyed out with the reason, and "Refresh devices".
 */
export function deviceMenuTemplate(snapshot: DeviceSnapshot, actions: DeviceMenuActions, t: Translate = englishText): MenuItemConstructorOptions {
  const submenu: MenuItemConstructorOptions[] = DEVICE_ROLES.map((role) => ({
    id: `devices-${role}`,
    label: t(TITLES[role]),
    submenu: roleItems(role, snapshot, actions, t),
  }));
  submenu.push({ type: 'separator' }, { id: 'devices-refresh', label: t('devices.refresh'), click: () => actions.refresh() });
  const { problem, message } = snapshot.ffmpeg;
  if (problem) {
    const label = shorten(t(`devices.ffmpeg.${FFMPEG_PROBLEM_KEYS[problem]}`), 120);
    submenu.push({ id: 'devices-ffmpeg-status', label, enabled: false, ...(message ? { toolTip: message } : {}) });
  }
  return { id: 'devices', label: t('devices.menu'), submenu };
}

function roleItems(role: DeviceRole, snapshot: DeviceSnapshot, actions: DeviceMenuActions, t: Translate): MenuItemConstructorOptions[] {
  const entries = snapshot.entries[role];
  if (entries.length === 0) return [{ id: `devices-${role}-none`, label: t(NONE[role]), enabled: false }];
  return entries.map((entry) => ({
    id: `device:${entry.key}`,
    type: 'radio',
    label: itemLabel(entry, t),
    checked: snapshot.selected[role] === entry.key,
    enabled: entry.enabled,
    ...(entry.enabled && entry.note ? { sublabel: deviceWords(entry.note, t), toolTip: deviceWords(entry.note, t) } : {}),
    click: () => actions.select(role, entry.key),
  }));
}

/** Menus show no tooltips on Windows and Linux, so a disabled device carries its reason in its label. */
export function itemLabel(entry: DeviceEntry, t: Translate = englishText): string {
  const name = deviceWords(entry.label, t);
  const label = entry.isDefault ? t('devices.isDefault', { label: name }) : name;
  return !entry.enabled && entry.note ? `${label} — ${deviceWords(entry.note, t)}` : label;
}

/** A device's note or made-up label as the catalogue wrote it (English), in the app's language; anything else as it is. */
function deviceWords(text: string, t: Translate): string {
  const note = readDeviceNote(text);
  return note ? t(`devices.notes.${note.kind}`, { role: note.role ?? 'other' }) : text;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Menu clicks go to the catalogue; a refused choice (the device just went away) only logs. */
export function deviceMenuActions(catalogue: Pick<DeviceCatalogue, 'select' | 'refresh'>): DeviceMenuActions {
  return {
    select: (role, key) => void catalogue.select(role, key).catch((error: unknown) => console.warn(`device menu: ${errorMessage(error)}`)),
    refresh: () => void catalogue.refresh(),
  };
}
