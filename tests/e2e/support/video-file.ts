import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** What a recorded file holds, read with FFmpeg: the colours of its frames, the times of its video packets. */
const run = promisify(execFile);

/** Shares of a frame's pixels near red and near blue (two cameras of the test pattern), from FFmpeg's decode of the file at `second`. */
export async function colorShares(file: string, second: number): Promise<{ red: number; blue: number }> {
  const { stdout } = await run(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-ss', String(second), '-i', file, '-frames:v', '1', '-s', '64x36', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    {
      encoding: 'buffer',
    },
  );
  let red = 0;
  let blue = 0;
  for (let i = 0; i + 2 < stdout.length; i += 3) {
    const [r, g, b] = [stdout[i]!, stdout[i + 1]!, stdout[i + 2]!];
    if (r > 170 && g < 90 && b < 90) red += 1;
    if (b > 170 && r < 100 && g < 120) blue += 1;
  }
  const n = stdout.length / 3;
  if (n === 0) throw new Error(`no picture at ${second} s: the video of ${file} is ${JSON.stringify(await videoSpan(file))}`);
  return { red: red / n, blue: blue / n };
}

/** The times of a file's video packets; none when it cannot be read (yet). */
export async function videoPacketTimes(file: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'quiet', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]).catch(() => ({
    stdout: '',
  }));
  return stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((t) => Number.isFinite(t));
}

/** The first and last video packet's time in a file, and how many there are. */
export async function videoSpan(file: string): Promise<{ first: number; last: number; packets: number }> {
  const times = await videoPacketTimes(file);
  return { first: Math.min(...times), last: Math.max(...times), packets: times.length };
}
