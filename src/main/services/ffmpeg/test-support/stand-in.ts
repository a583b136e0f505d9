import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BACKENDS } from '../backends';
import type { FfmpegBackend } from '../device';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the stand-in prints when called with exactly `args`. */
export interface StandInResponse {
  args: string[];
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Wait this long before answering (to test timeouts). */
  delayMs?: number;
}

export interface StandInFfmpeg {
  /** An executable to put in FFMPEG_PATH. */
  path: string;
  /** The argument lists it was called with, in order. */
  calls(): string[][];
  /** Changes what it answers from now on. */
  respond(responses: StandInResponse[]): void;
  remove(): void;
}

/**
 * A stand-in `ffmpeg` for the platforms this machine is not (Windows, macOS): an executable that
 * checks the arguments it got against the expected ones and prints a recorded output. Called
 * with anything else it says so on stderr and exits 99.
 */
export function standInFfmpeg(responses: StandInResponse[]): StandInFfmpeg {
  const dir = mkdtempSync(join(tmpdir(), 'rt-ffmpeg-'));
  const path = join(dir, 'ffmpeg');
  const table = join(dir, 'responses.json');
  const log = join(dir, 'calls.log');
  writeFileSync(table, JSON.stringify(responses));
  writeFileSync(log, '');
  writeFileSync(
    path,
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const responses = JSON.parse(fs.readFileSync(${JSON.stringify(table)}, 'utf8'));
const match = responses.find((r) => JSON.stringify(r.args) === JSON.stringify(args));
if (!match) {
  process.stderr.write('stand-in ffmpeg: unexpected arguments ' + JSON.stringify(args) + '\\n');
  process.exit(99);
}
setTimeout(() => {
  if (match.stdout) process.stdout.write(match.stdout);
  if (match.stderr) process.stderr.write(match.stderr);
  process.exitCode = match.exitCode ?? 0;
}, match.delayMs ?? 0);
`,
  );
  chmodSync(path, 0o755);
  return {
    path,
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]),
    respond: (next) => writeFileSync(table, JSON.stringify(next)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The stand-in's answer for one backend: the real command's arguments and a recorded output on the stream FFmpeg uses. */
export function recorded(backend: FfmpegBackend, output: string): StandInResponse {
  const listing = BACKENDS[backend];
  // dshow and avfoundation listings end with "Error opening input" and exit 1; -sources exits 0.
  return listing.stream === 'stderr' ? { args: listing.args, stderr: output, exitCode: 1 } : { args: listing.args, stdout: output, exitCode: 0 };
}
