import { runFfmpeg } from '../ffmpeg/run';

/** What the recording becomes: H.264/AAC in MP4 when this FFmpeg can encode them, else WebM as recorded. */
export interface OutputFormat {
  format: 'mp4' | 'webm';
  extension: string;
  /** FFmpeg's output options (before the output path). */
  args: string[];
}

/** The encoder names FFmpeg lists (`ffmpeg -encoders`). */
export function parseEncoders(output: string): Set<string> {
  const names = new Set<string>();
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s[VAS][A-Z.]{5}\s+(\S+)/.exec(line);
    if (match) names.add(match[1]!);
  }
  return names;
}

export async function listEncoders(ffmpegPath: string, env?: NodeJS.ProcessEnv): Promise<Set<string>> {
  const { stdout } = await runFfmpeg(ffmpegPath, ['-hide_banner', '-encoders'], { timeoutMs: 10_000, ...(env ? { env } : {}) });
  return parseEncoders(stdout);
}

/** Software H.264 encoders that work on any machine, best first (hardware ones may be listed but unusable). */
const H264 = ['libx264', 'libopenh264'];
const AAC = ['aac', 'libfdk_aac'];

export function chooseOutput(encoders: ReadonlySet<string>): OutputFormat {
  const video = H264.find((name) => encoders.has(name));
  const audio = AAC.find((name) => encoders.has(name));
  if (video && audio) {
    const quality = video === 'libx264' ? ['-preset', 'veryfast', '-crf', '23'] : ['-b:v', '3M'];
    return {
      format: 'mp4',
      extension: 'mp4',
      args: ['-c:v', video, ...quality, '-pix_fmt', 'yuv420p', '-r', '30', '-c:a', audio, '-b:a', '128k', '-movflags', '+faststart', '-f', 'mp4'],
    };
  }
  // No H.264 or AAC in this build: keep what MediaRecorder made, rewritten with a proper index and duration.
  return { format: 'webm', extension: 'webm', args: ['-c', 'copy', '-f', 'webm'] };
}
