import type { MenuItemConstructorOptions } from 'electron';
import { DEVICE_ROLES, type DeviceEntry, type DeviceRole, type DeviceSnapshot } from '@shared/ipc/devices';
import type { DeviceCatalogue } from '../services/devices';
import { errorMessage } from '@shared/errors';

export interface DeviceMenuActions {
  select(role: DeviceRole, key: string): void;
  refresh(): void;
}

const TITLES: Record<DeviceRole, string> = { camera: 'Camera', microphone: 'Microphone', speaker: 'Speaker' };
const NONE: Record<DeviceRole, string> = { camera: 'No camera found', microphone: 'No microphone found', speaker: 'No speaker found' };

/**
 * The "Devices" menu as data: Camera ▸, Microphone ▸ and Speaker ▸ as radio items with the device
 * in use checked, devices calls cannot use greyed out with the reason, and "Refresh devices".
 */
export function deviceMenuTemplate(snapshot: DeviceSnapshot, actions: DeviceMenuActions): MenuItemConstructorOptions {
  const submenu: MenuItemConstructorOptions[] = DEVICE_ROLES.map((role) => ({
    id: `devices-${role}`,
    label: TITLES[role],
    submenu: roleItems(role, snapshot, actions),
  }));
  submenu.push({ type: 'separator' }, { id: 'devices-refresh', label: 'Refresh devices', click: () => actions.refresh() });
  if (snapshot.ffmpeg.message) submenu.push({ id: 'devices-ffmpeg-status', label: shorten(snapshot.ffmpeg.message, 120), enabled: false });
  return { id: 'devices', label: 'Devices', submenu };
}

function roleItems(role: DeviceRole, snapshot: DeviceSnapshot, actions: DeviceMenuActions): MenuItemConstructorOptions[] {
  const entries = snapshot.entries[role];
  if (entries.length === 0) return [{ id: `devices-${role}-none`, label: NONE[role], enabled: false }];
  return entries.map((entry) => ({
    id: `device:${entry.key}`,
    type: 'radio',
    label: itemLabel(entry),
    checked: snapshot.selected[role] === entry.key,
    enabled: entry.enabled,
    ...(entry.enabled && entry.note ? { sublabel: entry.note, toolTip: entry.note } : {}),
    click: () => actions.select(role, entry.key),
  }));
}

/** Menus show no tooltips on Windows and Linux, so a disabled device carries its reason in its label. */
export function itemLabel(entry: DeviceEntry): string {
  const label = entry.isDefault ? `${entry.label} (default)` : entry.label;
  return !entry.enabled && entry.note ? `${label} — ${entry.note}` : label;
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
