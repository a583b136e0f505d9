import { FFMPEG_BACKENDS } from '@shared/ipc/devices';
import type { FfmpegBackend, FfmpegDeviceKind, ParsedListing } from './device';
import { parseAvfoundation } from './parse-avfoundation';
import { parseDshow } from './parse-dshow';
import { parseSources } from './parse-sources';

export { FFMPEG_BACKENDS };

/** How to ask FFmpeg for one backend's devices, and how to read the answer. */
export interface BackendListing {
  backend: FfmpegBackend;
  args: string[];
  /** Which stream holds the listing. */
  stream: 'stdout' | 'stderr';
  /** What kinds of device this backend lists (a "light" refresh lists only the kinds that changed). */
  kinds: ReadonlyArray<FfmpegDeviceKind>;
  parse(output: string): ParsedListing;
}

const sources = (backend: 'v4l2' | 'pulse' | 'alsa', kinds: FfmpegDeviceKind[]): BackendListing => ({
  backend,
  args: ['-hide_banner', '-sources', backend],
  stream: 'stdout',
  kinds,
  parse: (output) => parseSources(output, backend),
});

export const BACKENDS: Record<FfmpegBackend, BackendListing> = {
  dshow: {
    backend: 'dshow',
    args: ['-hide_banner', '-list_devices', 'true', '-f', 'dshow', '-i', 'dummy'],
    stream: 'stderr',
    kinds: ['video', 'audio'],
    parse: parseDshow,
  },
  avfoundation: {
    backend: 'avfoundation',
    args: ['-hide_banner', '-f', 'avfoundation', '-list_devices', 'true', '-i', ''],
    stream: 'stderr',
    kinds: ['video', 'audio', 'screen'],
    parse: parseAvfoundation,
  },
  v4l2: sources('v4l2', ['video']),
  pulse: sources('pulse', ['audio']),
  alsa: sources('alsa', ['audio']),
};

/** The backends the OS offers: DirectShow on Windows, AVFoundation on macOS, V4L2 + PulseAudio + ALSA on Linux. */
export function defaultBackends(platform: NodeJS.Platform): FfmpegBackend[] {
  if (platform === 'win32') return ['dshow'];
  if (platform === 'darwin') return ['avfoundation'];
  return ['v4l2', 'pulse', 'alsa'];
}

export function isBackend(name: string): name is FfmpegBackend {
  return (FFMPEG_BACKENDS as readonly string[]).includes(name);
}
