import { join } from 'node:path';
import { z } from 'zod';
import { JsonFile } from './json-file';

/** A remembered device: found again by Chromium's id, else by its stable key, else the default is used. */
export const DeviceChoiceSchema = z.strictObject({
  key: z.string().min(1).max(1024),
  label: z.string().max(512),
  browserId: z.string().max(512).nullable(),
});
export type DeviceChoice = z.infer<typeof DeviceChoiceSchema>;

export const DeviceChoicesSchema = z.strictObject({
  camera: DeviceChoiceSchema.optional(),
  microphone: DeviceChoiceSchema.optional(),
  speaker: DeviceChoiceSchema.optional(),
});
export type DeviceChoices = z.infer<typeof DeviceChoicesSchema>;

/** The user's camera, microphone and speaker, in `<userData>/device-choices.json`. */
export function deviceChoicesFile(dataDir: string): JsonFile<DeviceChoices> {
  return new JsonFile(join(dataDir, 'device-choices.json'), DeviceChoicesSchema);
}
