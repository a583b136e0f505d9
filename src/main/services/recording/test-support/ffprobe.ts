import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Probe {
  /** Seconds, from the container. */
  duration: number;
  streams: Array<{ type: string; codec: string }>;
  /** Seconds of each stream type, where the container says (MP4 does; WebM does not). */
  streamSeconds: Record<string, number>;
  format: string;
}

/** What `ffprobe` (Debian's) says a media file holds. */
export async function ffprobe(path: string): Promise<Probe> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration,format_name:stream=codec_type,codec_name,duration', '-of', 'json', path],
    {
      timeout: 20_000,
    },
  );
  const parsed = JSON.parse(stdout) as {
    format: { duration?: string; format_name: string };
    streams: Array<{ codec_type: string; codec_name: string; duration?: string }>;
  };
  return {
    duration: Number(parsed.format.duration ?? Number.NaN),
    format: parsed.format.format_name,
    streams: parsed.streams.map((s) => ({ type: s.codec_type, codec: s.codec_name })),
    streamSeconds: Object.fromEntries(parsed.streams.filter((s) => s.duration !== undefined).map((s) => [s.codec_type, Number(s.duration)])),
  };
}
