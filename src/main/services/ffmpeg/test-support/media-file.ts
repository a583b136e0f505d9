import { execFileSync } from 'node:child_process';

/**
 * Makes a media file for a test with Debian's FFmpeg: each input is a lavfi source (e.g.
 * `testsrc2=size=160x90:rate=10:duration=1`, `sine=duration=1`), `output` the encoding options
 * before the path (codecs, container); a file already there (a retried test's) is overwritten.
 * Returns the path.
 */
export function makeTestMedia(path: string, inputs: readonly string[], output: readonly string[] = []): string {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...inputs.flatMap((input) => ['-f', 'lavfi', '-i', input]), ...output, path]);
  return path;
}
