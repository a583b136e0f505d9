import type { AddedSource } from '@shared/ipc/capture';
import type { BrowserDevice, DeviceEntry, DeviceRole } from '@shared/ipc/devices';
import type { FfmpegDevice, UsbId } from '../ffmpeg/device';
import { labelsAgree, normalizeLabel, usbIdFromLabel } from './labels';
import { deviceNote } from '@shared/device-notes';

export interface MatchInput {
  /** FFmpeg's devices (already reduced to the ones worth showing). */
  ffmpeg: readonly FfmpegDevice[];
  /** Whether FFmpeg's list is known (from a listing, fresh or cached); if not, nothing is said about what FFmpeg misses. */
  ffmpegKnown: boolean;
  /** Chromium's `enumerateDevices()`; null until the renderer has reported it. */
  browser: readonly BrowserDevice[] | null;
  platform: NodeJS.Platform;
  /** Sources added with "Add a source…" (URLs, files, the test pattern): listed after the devices, captured through FFmpeg. */
  added?: readonly AddedSource[];
}

const BROWSER_KIND = { camera: 'videoinput', microphone: 'audioinput', speaker: 'audiooutput' } as const;
const ROLE_NOUN = { camera: 'camera', microphone: 'microphone', speaker: 'speaker' } as const;
const ALIASES = new Set(['default', 'communications']);

/**
 * Matches FFmpeg's devices to Chromium's, role by role: by USB vid:pid when both know it, then by
 * normalized label, then by one label being the other cut short. Whatever only one side sees is
 * still listed: Chromium-only devices can be used (the call captures through Chromium) and say
 * FFmpeg does not list them; FFmpeg-only devices are captured through FFmpeg (disabled only when
 * FFmpeg cannot open them either: in use elsewhere, or blocked by the OS's privacy settings).
 */
export function matchDevices(input: MatchInput): Record<DeviceRole, DeviceEntry[]> {
  return { camera: matchRole('camera', input), microphone: matchRole('microphone', input), speaker: matchRole('speaker', input) };
}

function matchRole(role: DeviceRole, input: MatchInput): DeviceEntry[] {
  const ffmpeg = role === 'speaker' ? [] : input.ffmpeg.filter((d) => d.kind === (role === 'camera' ? 'video' : 'audio'));
  const ofKind = (input.browser ?? []).filter((d) => d.kind === BROWSER_KIND[role]);
  // Before a permission is granted Chromium lists one entry per kind with no id and no label.
  const listed = ofKind.filter((d) => d.deviceId !== '');
  const unlabelled = ofKind.length > 0 && ofKind.every((d) => d.label === '');
  const aliases = listed.filter((d) => ALIASES.has(d.deviceId));
  const real = listed.filter((d) => !ALIASES.has(d.deviceId));

  // Chromium's "Default - X" names the default device on Windows and macOS.
  let browserDefault: BrowserDevice | undefined;
  const unresolved: BrowserDevice[] = [];
  for (const alias of aliases) {
    const target = /^(?:default|communications) - /i.test(alias.label) ? real.find((d) => normalizeLabel(d.label) === normalizeLabel(alias.label)) : undefined;
    if (target && alias.deviceId === 'default') browserDefault = target;
    if (!target) unresolved.push(alias);
  }

  const pairs = pairUp(ffmpeg, real);
  const pairedFfmpeg = new Map<BrowserDevice, FfmpegDevice>([...pairs].map(([f, b]) => [b, f]));
  // On Linux Chromium's default is just "Default"; PulseAudio's `*` (via FFmpeg) says which device that is.
  const ffmpegDefault = ffmpeg.find((f) => f.isDefault && pairs.has(f));
  const defaultAlias = unresolved.find((d) => d.deviceId === 'default');
  if (!browserDefault && ffmpegDefault && defaultAlias) {
    browserDefault = pairs.get(ffmpegDefault);
    unresolved.splice(unresolved.indexOf(defaultAlias), 1);
  }

  const entries: Array<Omit<DeviceEntry, 'key'> & { keyBase: string }> = [];
  const note = (text: string | null) => (role === 'speaker' || !input.ffmpegKnown ? null : text);
  for (const alias of unresolved) {
    entries.push({
      keyBase: `${role}:@${alias.deviceId}`,
      role,
      label: alias.label || deviceNote(alias.deviceId === 'default' ? 'systemDefault' : 'communications'),
      browserId: alias.deviceId,
      ffmpeg: null,
      isDefault: alias.deviceId === 'default',
      enabled: true,
      note: null,
    });
  }
  real.forEach((device, index) => {
    const match = pairedFfmpeg.get(device);
    const label = device.label || `${capitalize(ROLE_NOUN[role])} ${index + 1}`;
    entries.push({
      keyBase: device.label ? keyOf(role, device.label, usbIdFromLabel(device.label) ?? match?.usb) : `${role}:#${device.deviceId}`,
      role,
      label,
      browserId: device.deviceId,
      ffmpeg: match ? { backend: match.backend, id: match.id } : null,
      isDefault: device === browserDefault || (match?.isDefault ?? false),
      enabled: true,
      note: match ? null : note(deviceNote('ffmpegMisses')),
    });
  });
  for (const device of ffmpeg) {
    if (pairs.has(device)) continue;
    const why = whyChromiumMisses(device, role, input, { listed: listed.length, unlabelled });
    // FFmpeg opens it itself, unless it is busy or the OS keeps every app from it.
    const usable = input.browser !== null && !device.inactive && !/privacy settings/.test(why);
    entries.push({
      keyBase: keyOf(role, device.name, device.usb),
      role,
      label: device.name.trim(),
      browserId: null,
      ffmpeg: { backend: device.backend, id: device.id },
      isDefault: false,
      enabled: usable,
      note: usable ? THROUGH_FFMPEG : why,
      capture: { kind: 'device', backend: device.backend, id: device.id },
    });
  }
  if (role !== 'speaker') {
    for (const added of input.added ?? []) {
      if (!(role === 'camera' ? added.media.video : added.media.audio)) continue;
      entries.push({
        keyBase: `${role}:source:${added.id}`,
        role,
        label: added.label,
        browserId: null,
        ffmpeg: null,
        isDefault: false,
        enabled: true,
        note: ADDED_SOURCE,
        capture: added.source,
      });
    }
  }

  // One default per role, and keys unique even for two identical cameras.
  let defaultSeen = false;
  const used = new Map<string, number>();
  return entries.map(({ keyBase, ...entry }) => {
    const isDefault = entry.isDefault && entry.enabled && !defaultSeen;
    if (isDefault) defaultSeen = true;
    const count = (used.get(keyBase) ?? 0) + 1;
    used.set(keyBase, count);
    return { ...entry, isDefault, key: count === 1 ? keyBase : `${keyBase}#${count}` };
  });
}

/** USB ids first, then equal labels, then a label cut short; each device pairs at most once. */
function pairUp(ffmpeg: readonly FfmpegDevice[], browser: readonly BrowserDevice[]): Map<FfmpegDevice, BrowserDevice> {
  const pairs = new Map<FfmpegDevice, BrowserDevice>();
  const taken = new Set<BrowserDevice>();
  const norm = new Map(browser.map((b) => [b, normalizeLabel(b.label)]));
  const pass = (agree: (f: FfmpegDevice, b: BrowserDevice) => boolean): void => {
    for (const f of ffmpeg) {
      if (pairs.has(f)) continue;
      const b = browser.find((candidate) => !taken.has(candidate) && agree(f, candidate));
      if (b) {
        pairs.set(f, b);
        taken.add(b);
      }
    }
  };
  pass((f, b) => {
    const usb = usbIdFromLabel(b.label);
    return !!f.usb && !!usb && sameUsb(f.usb, usb) && labelsAgree(normalizeLabel(f.name), norm.get(b)!, true);
  });
  pass((f, b) => {
    const usb = usbIdFromLabel(b.label);
    return !!f.usb && !!usb && sameUsb(f.usb, usb) && browser.filter((o) => !taken.has(o) && sameUsb(usbIdFromLabel(o.label), f.usb)).length === 1;
  });
  pass((f, b) => labelsAgree(normalizeLabel(f.name), norm.get(b)!, false));
  pass((f, b) => labelsAgree(normalizeLabel(f.name), norm.get(b)!, true));
  return pairs;
}

/** The note of a device only FFmpeg lists, which the call captures through FFmpeg. */
export const THROUGH_FFMPEG = deviceNote('throughFfmpeg');
export const ADDED_SOURCE = deviceNote('addedSource');

function whyChromiumMisses(device: FfmpegDevice, role: DeviceRole, input: MatchInput, seen: { listed: number; unlabelled: boolean }): string {
  if (input.browser === null) return deviceNote('checking');
  if (device.inactive) return deviceNote('inUse');
  if (seen.unlabelled || seen.listed === 0) {
    if (input.platform === 'darwin') return deviceNote('macosPrivacy', role);
    if (input.platform === 'win32') return deviceNote('windowsPrivacy', role);
    if (seen.unlabelled) return deviceNote('notAllowed', role);
  }
  return deviceNote('notExposed');
}

function keyOf(role: DeviceRole, label: string, usb: UsbId | undefined): string {
  return `${role}:${normalizeLabel(label)}${usb ? `@${usb.vendorId}:${usb.productId}` : ''}`;
}

function sameUsb(a: UsbId | undefined, b: UsbId | undefined): boolean {
  return !!a && !!b && a.vendorId === b.vendorId && a.productId === b.productId;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The key to use for a role: the remembered device (by Chromium id, then by key) if it is here and usable, else the default. */
export function resolveSelection(entries: readonly DeviceEntry[], choice: { key: string; browserId: string | null } | undefined): string | null {
  const usable = entries.filter((e) => e.enabled);
  if (choice) {
    // A device chosen as a Chromium device does not quietly become an FFmpeg capture when Chromium loses it.
    const found =
      (choice.browserId && usable.find((e) => e.browserId === choice.browserId)) ||
      usable.find((e) => e.key === choice.key && !(e.capture && choice.browserId !== null));
    if (found) return found.key;
  }
  // An FFmpeg source (a computer-audio monitor, a stream) is used only when chosen, never by default.
  const devices = usable.filter((e) => !e.capture);
  return (devices.find((e) => e.isDefault) ?? devices[0])?.key ?? null;
}
