import { z } from 'zod';
import { CaptureSourceSchema } from './capture';
import { event, events, invoke, type SectionApi } from './contract';
import { FFMPEG_BACKENDS } from './ffmpeg';

/**
 * Devices: what FFmpeg sees (main process) matched to what Chromium sees (renderer), the user's
 * choice of camera, microphone and speaker, and the channels that carry them.
 */

export { FFMPEG_BACKENDS, type FfmpegBackend } from './ffmpeg';

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
export const DeviceEntrySchema = z.object({
  /** Stable across restarts and re-plugs: what a choice is remembered by. */
  key: z.string(),
  role: DeviceRoleSchema,
  label: z.string(),
  /** Chromium's deviceId, to open it with getUserMedia / setSinkId; null when Chromium does not list it. */
  browserId: z.string().nullable(),
  /** How FFmpeg opens it; null when FFmpeg does not list it. */
  ffmpeg: z.object({ backend: z.enum(FFMPEG_BACKENDS), id: z.string() }).nullable(),
  /** The OS (or Chromium) says this is the default device. */
  isDefault: z.boolean(),
  /** False when the call cannot use it (Chromium does not see it); `note` says why. */
  enabled: z.boolean(),
  /** Why it is disabled, or what is odd about it; null when nothing is. */
  note: z.string().nullable(),
  /** Set when the call captures it through FFmpeg (a device only FFmpeg lists, or an added source); absent when Chromium opens it. */
  capture: CaptureSourceSchema.optional(),
});
export type DeviceEntry = z.infer<typeof DeviceEntrySchema>;

export const FfmpegStatusSchema = z.object({
  /** 'ok' once a listing ran; 'unavailable' when FFmpeg is missing or failed. */
  state: z.enum(['ok', 'unavailable', 'pending']),
  /**
   * What is wrong, for the menu and the pickers to word in the app's language: FFmpeg was not
   * found, FFMPEG_PATH names no program, or FFmpeg could not list any device. Null when all is well.
   */
  problem: z.enum(['not-found', 'not-executable', 'cannot-list']).nullable(),
  /** The technical detail in English (a path, FFmpeg's own words), shown beside the worded problem. */
  message: z.string().nullable(),
  /** Where the FFmpeg devices shown come from: the cache of the last run, or a fresh listing. */
  source: z.enum(['cache', 'fresh', 'none']),
  /** When that listing ran (ms since epoch). */
  listedAt: z.number().nullable(),
});
export type FfmpegStatus = z.infer<typeof FfmpegStatusSchema>;
export type FfmpegProblem = NonNullable<FfmpegStatus['problem']>;

/** Each problem's message in the catalogues (`devices.ffmpeg.<key>`, main's and the renderer's). */
export const FFMPEG_PROBLEM_KEYS = { 'not-found': 'notFound', 'not-executable': 'notExecutable', 'cannot-list': 'cannotList' } as const satisfies Record<
  FfmpegProblem,
  string
>;

/** Everything the menu and the pickers show. */
export const DeviceSnapshotSchema = z.object({
  entries: z.record(DeviceRoleSchema, z.array(DeviceEntrySchema)),
  /** The key in use for each role: the user's choice, or the default when that device is gone. */
  selected: z.record(DeviceRoleSchema, z.string().nullable()),
  ffmpeg: FfmpegStatusSchema,
});
export type DeviceSnapshot = z.infer<typeof DeviceSnapshotSchema>;

/** `window.desktop.devices`: the device catalogue of the main process. */
export const DEVICES_CHANNELS = {
  snapshot: invoke('devices:snapshot', { args: [], result: DeviceSnapshotSchema }),
  /** The renderer's `enumerateDevices()`, sent at start, on `devicechange` and once permissions are granted. */
  reportBrowserDevices: invoke('devices:report-browser', { args: [BrowserDeviceListSchema], result: z.void() }),
  select: invoke('devices:select', { args: [DeviceRoleSchema, DeviceKeySchema], result: DeviceSnapshotSchema }),
  /** Lists FFmpeg's devices again now ("Refresh devices"). */
  refresh: invoke('devices:refresh', { args: [], result: DeviceSnapshotSchema }),
};

/** Events main pushes about devices. */
export const DEVICES_EVENTS = events(
  /** The list or the choice changed (hot-plug, the app menu, a picker in another window). */
  event('devices:changed', DeviceSnapshotSchema),
);

export type DevicesApi = SectionApi<typeof DEVICES_CHANNELS>;
