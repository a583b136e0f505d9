import { z } from 'zod';
import type { CaptureSource } from './capture';

/**
 * Devices: what FFmpeg sees (main process) matched to what Chromium sees (renderer), the user's
 * choice of camera, microphone and speaker, and the channels that carry them.
 */

/** FFmpeg's device backends: DirectShow, AVFoundation, Video4Linux2, PulseAudio, ALSA. */
export const FFMPEG_BACKENDS = ['dshow', 'avfoundation', 'v4l2', 'pulse', 'alsa'] as const;
export type FfmpegBackend = (typeof FFMPEG_BACKENDS)[number];

/** What the user picks in the menu and the pickers. */
export const DEVICE_ROLES = ['camera', 'microphone', 'speaker'] as const;
export type DeviceRole = (typeof DEVICE_ROLES)[number];

/** One device as Chromium's `enumerateDevices()` reports it (the renderer sends these). */
export const BrowserDeviceSchema = z.strictObject({
  deviceId: z.string().max(512),
  kind: z.enum(['videoinput', 'audioinput', 'audiooutput']),
  label: z.string().max(512),
  groupId: z.string().max(512),
});
export type BrowserDevice = z.infer<typeof BrowserDeviceSchema>;
export const BrowserDeviceListSchema = z.array(BrowserDeviceSchema).max(256);

export const DeviceRoleSchema = z.enum(DEVICE_ROLES);
export const DeviceKeySchema = z.string().min(1).max(1024);

/** One line of the Camera / Microphone / Speaker menus and pickers. */
export interface DeviceEntry {
  /** Stable across restarts and re-plugs: what a choice is remembered by. */
  key: string;
  role: DeviceRole;
  label: string;
  /** Chromium's deviceId, to open it with getUserMedia / setSinkId; null when Chromium does not list it. */
  browserId: string | null;
  /** How FFmpeg opens it; null when FFmpeg does not list it. */
  ffmpeg: { backend: FfmpegBackend; id: string } | null;
  /** The OS (or Chromium) says this is the default device. */
  isDefault: boolean;
  /** False when the call cannot use it (Chromium does not see it); `note` says why. */
  enabled: boolean;
  /** Why it is disabled, or what is odd about it; null when nothing is. */
  note: string | null;
  /** Set when the call captures it through FFmpeg (a device only FFmpeg lists, or an added source); absent when Chromium opens it. */
  capture?: CaptureSource;
}

export interface FfmpegStatus {
  /** 'ok' once a listing ran; 'unavailable' when FFmpeg is missing or failed. */
  state: 'ok' | 'unavailable' | 'pending';
  /** A sentence for the user when something is wrong, e.g. "FFmpeg was not found…". */
  message: string | null;
  /** Where the FFmpeg devices shown come from: the cache of the last run, or a fresh listing. */
  source: 'cache' | 'fresh' | 'none';
  /** When that listing ran (ms since epoch). */
  listedAt: number | null;
}

/** Everything the menu and the pickers show. */
export interface DeviceSnapshot {
  entries: Record<DeviceRole, DeviceEntry[]>;
  /** The key in use for each role: the user's choice, or the default when that device is gone. */
  selected: Record<DeviceRole, string | null>;
  ffmpeg: FfmpegStatus;
}

/** Channels of the device catalogue. */
export interface DevicesChannels {
  'devices:snapshot': { args: []; result: DeviceSnapshot };
  /** The renderer's `enumerateDevices()`, sent at start, on `devicechange` and once permissions are granted. */
  'devices:report-browser': { args: [devices: BrowserDevice[]]; result: void };
  'devices:select': { args: [role: DeviceRole, key: string]; result: DeviceSnapshot };
  /** Lists FFmpeg's devices again now ("Refresh devices"). */
  'devices:refresh': { args: []; result: DeviceSnapshot };
}

export const DEVICES_CHANNELS = ['devices:snapshot', 'devices:report-browser', 'devices:select', 'devices:refresh'] as const satisfies ReadonlyArray<
  keyof DevicesChannels
>;

/** Events main pushes about devices. */
export interface DevicesEvents {
  /** The list or the choice changed (hot-plug, the app menu, a picker in another window). */
  'devices:changed': DeviceSnapshot;
}

/** The `devices` section of the desktop API (`window.desktop.devices`). */
export interface DevicesApi {
  snapshot(): Promise<DeviceSnapshot>;
  reportBrowserDevices(devices: BrowserDevice[]): Promise<void>;
  select(role: DeviceRole, key: string): Promise<DeviceSnapshot>;
  refresh(): Promise<DeviceSnapshot>;
}
