import { spawn } from 'node:child_process';
import type { OutputFormat } from './output';

export interface FinalizeOptions {
  ffmpegPath: string;
  input: string;
  output: string;
  format: OutputFormat;
  /** How long the recording is, as far as known (ms), for the progress. */
  expectedMs: number;
  /** Where the person stopped it (ms): what the recorder caught up on after that is cut off. */
  endAtMs?: number;
  onProgress: (percent: number) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Turns the recorded chunks into the final file with FFmpeg, reporting progress from its
 * `-progress` output. A file cut short (the app was killed mid-chunk) is read up to where it ends.
 */
export function finalizeRecording(options: FinalizeOptions): Promise<void> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
    '-nostats',
    // What a crash cut short: decode what is there, make up missing timestamps.
    '-err_detect',
    'ignore_err',
    '-fflags',
    '+genpts+discardcorrupt',
    '-protocol_whitelist',
    'file',
    '-i',
    `file:${options.input}`,
    '-map',
    '0:v:0?',
    '-map',
    '0:a:0?',
    ...(options.endAtMs !== undefined ? ['-t', (options.endAtMs / 1000).toFixed(3)] : []),
    ...options.format.args,
    `file:${options.output}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(options.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, env: options.env ?? process.env });
    let errors = '';
    let rest = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-4000);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^out_time_us=(\d+)/.exec(line);
        if (match && options.expectedMs > 0) options.onProgress(Math.min(99, Math.floor((Number(match[1]) / 1000 / options.expectedMs) * 100)));
      }
    });
    child.once('error', (error) => reject(new Error(`FFmpeg could not be started: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) {
        options.onProgress(100);
        resolve();
      } else {
        const last = errors.trim().split('\n').filter(Boolean).at(-1) ?? `exit code ${code}`;
        reject(new Error(`FFmpeg could not make the file: ${last}`));
      }
    });
  });
}
