import { spawn } from 'node:child_process';

export interface FfmpegOutput {
  stdout: string;
  stderr: string;
  /** Listings often exit non-zero (`-i dummy` is not a real input): that is not a failure here. */
  exitCode: number | null;
}

export class FfmpegRunError extends Error {
  override readonly name = 'FfmpegRunError';
}

export interface RunOptions {
  /** Killed after this long; the promise rejects with a clear message. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * Runs FFmpeg as a child process and collects what it prints. Never blocks the caller's event
 * loop, and never outlives `timeoutMs`.
 */
export function runFfmpeg(path: string, args: readonly string[], options: RunOptions = {}): Promise<FfmpegOutput> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) {
        child.kill('SIGKILL');
        finish(() => reject(new FfmpegRunError(`ffmpeg printed more than ${MAX_OUTPUT} bytes; stopped it`)));
        return;
      }
      into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new FfmpegRunError(`ffmpeg did not finish within ${timeoutMs} ms (${[path, ...args].join(' ')})`)));
    }, timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) =>
      finish(() => reject(new FfmpegRunError(`could not run ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`))),
    );
    child.once('close', (code) =>
      finish(() => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: code })),
    );
  });
}
