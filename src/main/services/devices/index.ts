import { defaultBackends } from '../ffmpeg/backends';
import type { FfmpegBackend } from '../ffmpeg/device';
import { listFfmpegDevices } from '../ffmpeg/list-devices';
import { locateFfmpeg, type FfmpegLocation } from '../ffmpeg/locate';
import { deviceChoicesFile } from '../settings/device-choices';
import { memoryStore } from '../settings/json-file';
import { deviceCacheFile } from './cache';
import { DeviceCatalogue, type FfmpegLister } from './catalogue';
import { withV4l2UsbIds } from './v4l2-usb';

export { DeviceCatalogue, type FfmpegLister, type FfmpegListing } from './catalogue';

export interface FfmpegListerOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  backends?: FfmpegBackend[];
  timeoutMs?: number;
  /** Where sysfs is (tests). */
  sysRoot?: string;
  /** Told which binary was found, once (e.g. to point fluent-ffmpeg at it). */
  onLocated?: (location: FfmpegLocation) => void;
}

/** Lists devices with the FFmpeg binary found as FFMPEG_PATH → ffmpeg-static → PATH (looked up again until found). */
export function ffmpegLister(options: FfmpegListerOptions = {}): FfmpegLister {
  const platform = options.platform ?? process.platform;
  const backends = options.backends ?? defaultBackends(platform);
  let location: FfmpegLocation | undefined;
  return async (kinds) => {
    if (!location) {
      location = locateFfmpeg({ env: options.env ?? process.env, platform });
      options.onLocated?.(location);
    }
    const results = await listFfmpegDevices(location.path, backends, { kinds, timeoutMs: options.timeoutMs ?? 8_000, env: options.env });
    return {
      backends: results.map((r) => r.backend),
      // FFmpeg prints a V4L2 camera's card name only; sysfs adds its USB ids (for matching Chromium's labels).
      devices: await withV4l2UsbIds(
        results.flatMap((r) => r.devices),
        options.sysRoot,
      ),
      errors: results.flatMap((r) => (r.error ? [{ backend: r.backend, message: r.error }] : [])),
    };
  };
}

export interface DeviceCatalogueOptions extends FfmpegListerOptions {
  /** Where the cache and the choices are kept (Electron's userData). */
  dataDir: string;
  hotplugDebounceMs?: number;
}

/** The catalogue as the app uses it: real FFmpeg, files in `dataDir`. */
export function createDeviceCatalogue(options: DeviceCatalogueOptions): DeviceCatalogue {
  return new DeviceCatalogue({
    lister: ffmpegLister(options),
    cache: deviceCacheFile(options.dataDir),
    choices: deviceChoicesFile(options.dataDir),
    platform: options.platform ?? process.platform,
    ...(options.hotplugDebounceMs !== undefined ? { hotplugDebounceMs: options.hotplugDebounceMs } : {}),
  });
}

/** A catalogue with no FFmpeg and nothing on disk: Chromium's devices only (when no real one is wired in). */
export function browserOnlyCatalogue(platform: NodeJS.Platform = process.platform): DeviceCatalogue {
  return new DeviceCatalogue({
    lister: async () => ({ backends: [], devices: [], errors: [] }),
    cache: memoryStore(),
    choices: memoryStore(),
    platform,
  });
}
