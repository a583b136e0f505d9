import { BACKENDS } from './backends';
import type { FfmpegBackend, FfmpegDevice, FfmpegDeviceKind } from './device';
import { runFfmpeg, type RunOptions } from './run';
import { errorMessage } from '@shared/errors';

export interface BackendResult {
  backend: FfmpegBackend;
  devices: FfmpegDevice[];
  /** Why this backend listed nothing, in a sentence; null when it ran fine (even with no devices). */
  error: string | null;
}

export interface ListOptions extends RunOptions {
  /** Only the backends that list these kinds (a light refresh after a hot-plug). */
  kinds?: ReadonlyArray<FfmpegDeviceKind>;
}

/** Asks FFmpeg for each backend's devices, all at once, each in its own child process. */
export async function listFfmpegDevices(ffmpegPath: string, backends: readonly FfmpegBackend[], options: ListOptions = {}): Promise<BackendResult[]> {
  const chosen = backends.filter((b) => !options.kinds || BACKENDS[b].kinds.some((k) => options.kinds!.includes(k)));
  return Promise.all(chosen.map((backend) => listBackend(ffmpegPath, backend, options)));
}

export async function listBackend(ffmpegPath: string, backend: FfmpegBackend, options: RunOptions = {}): Promise<BackendResult> {
  const listing = BACKENDS[backend];
  try {
    const output = await runFfmpeg(ffmpegPath, listing.args, options);
    const parsed = listing.parse(output[listing.stream]);
    const unsupported = /Unknown input format: '([^']+)'/.exec(output.stderr);
    const error = parsed.error ?? (parsed.devices.length === 0 && unsupported ? `this FFmpeg was built without ${backend} support` : null);
    return { backend, devices: parsed.devices, error };
  } catch (error) {
    return { backend, devices: [], error: errorMessage(error) };
  }
}
