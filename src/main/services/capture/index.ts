import type { DeviceCatalogue } from '../devices';
import { locateFfmpeg, type FfmpegLocation } from '../ffmpeg/locate';
import { probeSource } from './probe';
import { CaptureService } from './service';
import { AddedSources, addedSourcesFile } from './sources';

export { CaptureService, type CapturePort } from './service';
export { AddedSources } from './sources';

export interface CaptureServices {
  service: CaptureService;
  sources: AddedSources;
}

export interface CaptureOptions {
  /** Where the added sources are kept (Electron's userData). */
  dataDir: string;
  catalogue: DeviceCatalogue;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * Capture as the app uses it: the FFmpeg found as FFMPEG_PATH → ffmpeg-static → PATH, devices
 * checked against the catalogue, added sources kept in `dataDir` and listed by the catalogue.
 */
export function createCapture(options: CaptureOptions): CaptureServices {
  const env = options.env ?? process.env;
  let location: FfmpegLocation | undefined;
  const locate = (): FfmpegLocation => (location ??= locateFfmpeg({ env, ...(options.platform ? { platform: options.platform } : {}) }));
  const service = new CaptureService({ locate, devices: () => options.catalogue.snapshot(), env });
  const sources = new AddedSources({ store: addedSourcesFile(options.dataDir), probe: (source) => probeSource(locate().path, source, { env }) });
  sources.onChange((list) => options.catalogue.setAddedSources(list));
  return { service, sources };
}
