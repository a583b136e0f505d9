import { outputLines, type FfmpegDevice, type ParsedListing } from './device';

export type SourcesBackend = 'v4l2' | 'pulse' | 'alsa';

const MEDIA_TYPES = '(?:none|video|audio|data|subtitle|attachment|unknown)';
/**
 * `* name [description] (types)`: FFmpeg ≥ 5 prints `%c %s [%s] (` + media types + `)`, with `*`
 * for the default; FFmpeg 4 prints `%s %s [%s]` with no types. Names hold no spaces (device paths,
 * PulseAudio and ALSA names); descriptions may hold brackets, so the description runs to the
 * last `]` before the optional types.
 */
const SOURCE_LINE = new RegExp(`^(?:(\\*) | {1,2})?(\\S+) \\[(.*)\\](?: \\((${MEDIA_TYPES}(?:, ${MEDIA_TYPES})*)\\))?\\s*$`);

/**
 * Parses `ffmpeg -hide_banner -sources <backend>` (stdout) for v4l2, pulse and alsa. FFmpeg
 * reports a failure to list on stdout too (`Cannot list sources: …`), returned as `error`.
 */
export function parseSources(output: string, backend: SourcesBackend): ParsedListing {
  const devices: FfmpegDevice[] = [];
  let error: string | null = null;
  for (const line of outputLines(output)) {
    if (/^Auto-detected sources for .*:\s*$/.test(line)) continue;
    const failure = /^Cannot list sources: ?(.*?)\s*$/.exec(line);
    if (failure) {
      error = failure[1] || 'unknown error';
      continue;
    }
    const match = SOURCE_LINE.exec(line);
    if (!match) continue;
    const [, star, id, description, types] = match as unknown as [string, string | undefined, string, string, string | undefined];
    devices.push({ kind: kindOf(backend, types), backend, id, name: description, isDefault: star === '*' });
  }
  return { devices, error };
}

function kindOf(backend: SourcesBackend, types: string | undefined): 'video' | 'audio' {
  const listed = new Set(types?.split(', ') ?? []);
  if (listed.has('video') && !listed.has('audio')) return 'video';
  if (listed.has('audio') && !listed.has('video')) return 'audio';
  return backend === 'v4l2' ? 'video' : 'audio';
}
