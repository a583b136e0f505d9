import { join } from 'node:path';
import { z } from 'zod';
import { BrowserDeviceSchema, FFMPEG_BACKENDS } from '@shared/ipc/devices';
import { JsonFile } from '../settings/json-file';

const UsbIdSchema = z.strictObject({ vendorId: z.string(), productId: z.string() });

export const FfmpegDeviceSchema = z.strictObject({
  kind: z.enum(['video', 'audio', 'screen']),
  backend: z.enum(FFMPEG_BACKENDS),
  id: z.string(),
  name: z.string(),
  isDefault: z.boolean(),
  usb: UsbIdSchema.optional(),
  inactive: z.boolean().optional(),
});

/** The last known lists, so the menu is ready the moment the app starts. */
export const DeviceCacheSchema = z.strictObject({
  version: z.literal(1),
  ffmpeg: z.strictObject({ devices: z.array(FfmpegDeviceSchema), listedAt: z.number(), pulseAnswered: z.boolean() }).nullable(),
  browser: z.array(BrowserDeviceSchema).nullable(),
});
export type DeviceCache = z.infer<typeof DeviceCacheSchema>;

export function deviceCacheFile(dataDir: string): JsonFile<DeviceCache> {
  return new JsonFile(join(dataDir, 'device-cache.json'), DeviceCacheSchema);
}
