import type { DeviceRole } from './ipc/devices';

/**
 * What the device catalogue says about a device (`DeviceEntry.note`, and the labels it makes up
 * for devices with none), in English: the main process's services write these sentences, and the
 * menus and pickers word them in the app's language from their kind (`devices.notes.<kind>` in
 * both catalogues). One place makes each sentence and reads it back, so the two never drift.
 */
export type DeviceNoteKind =
  | 'ffmpegMisses'
  | 'throughFfmpeg'
  | 'addedSource'
  | 'checking'
  | 'inUse'
  | 'macosPrivacy'
  | 'windowsPrivacy'
  | 'notAllowed'
  | 'notExposed'
  | 'systemDefault'
  | 'communications';

export interface DeviceNote {
  kind: DeviceNoteKind;
  /** For the sentences that name the kind of device. */
  role?: DeviceRole;
}

const noun = (role: DeviceRole | undefined): string => role ?? 'device';
const pane = (role: DeviceRole | undefined): string => {
  const word = noun(role);
  return word[0]!.toUpperCase() + word.slice(1);
};

const ENGLISH: Record<DeviceNoteKind, (role?: DeviceRole) => string> = {
  ffmpegMisses: () => 'FFmpeg does not list it',
  throughFfmpeg: () => 'Captured through FFmpeg: Chromium does not list it',
  addedSource: () => 'Added source, captured through FFmpeg',
  checking: () => 'Checking whether the browser engine can use it…',
  inUse: () => 'In use by another program, or its source app is not running',
  macosPrivacy: (role) => `Blocked by macOS privacy settings? Allow Roundtable in System Settings ▸ Privacy & Security ▸ ${pane(role)}`,
  windowsPrivacy: (role) => `Blocked by Windows privacy settings? Allow apps to use your ${noun(role)} in Settings ▸ Privacy & security ▸ ${pane(role)}`,
  notAllowed: (role) => `Not allowed yet: the app has no permission to use the ${noun(role)}`,
  notExposed: () => 'Not exposed to the browser engine: Chromium does not list it, so calls cannot use it',
  systemDefault: () => 'System default',
  communications: () => 'Communications device',
};

const ROLES: readonly DeviceRole[] = ['camera', 'microphone', 'speaker'];

/** The sentence (English) for a note. */
export function deviceNote(kind: DeviceNoteKind, role?: DeviceRole): string {
  return ENGLISH[kind](role);
}

/** Which note a sentence of the catalogue is; null for anything else (a device's own name, FFmpeg's words). */
export function readDeviceNote(text: string): DeviceNote | null {
  for (const kind of Object.keys(ENGLISH) as DeviceNoteKind[]) {
    if (ENGLISH[kind]() === text) return { kind };
    for (const role of ROLES) if (ENGLISH[kind](role) === text) return { kind, role };
  }
  return null;
}
