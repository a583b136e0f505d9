import { fileURLToPath } from 'node:url';
import { SourcePathSchema, SourceUrlSchema, type CaptureSource } from '@shared/ipc/capture';
import { outputLines } from '../ffmpeg/device';
import { runFfmpeg } from '../ffmpeg/run';
import { probeArgs } from './args';
import { describeFailure } from './pipeline';

/** What a source holds, as FFmpeg reports it on opening. */
export interface ProbeResult {
  video: boolean;
  audio: boolean;
}

/**
 * The source a user typed in "Add a source…": an rtsp(s):// or http(s):// address, a file:// URL
 * or an absolute path. Anything else is refused with a sentence saying what is accepted.
 */
export function parseSourceInput(input: string): CaptureSource {
  const text = input.trim();
  if (/^file:\/\//i.test(text)) {
    let path: string;
    try {
      path = fileURLToPath(text);
    } catch {
      throw new Error(`"${text}" is not a file address this computer can open.`);
    }
    return fileSource(path);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const url = SourceUrlSchema.safeParse(text);
    if (!url.success) throw new Error('Only rtsp://, rtsps://, http:// and https:// addresses can be added (or a full path to a file).');
    return { kind: 'url', url: url.data };
  }
  return fileSource(text);
}

function fileSource(path: string): CaptureSource {
  const parsed = SourcePathSchema.safeParse(path);
  if (!parsed.success) throw new Error('Enter an rtsp:// or http(s):// address, or the full path of a file (starting with / or a drive letter).');
  return { kind: 'file', path: parsed.data };
}

/** A name for the menus: host and path of a URL (never its user name or password), a file's name. */
export function sourceLabel(source: CaptureSource): string {
  switch (source.kind) {
    case 'url': {
      const url = new URL(source.url);
      const path = url.pathname === '/' ? '' : url.pathname;
      return `${url.host}${path}`.slice(0, 120);
    }
    case 'file':
      return source.path.split(/[\\/]/).pop() || source.path;
    case 'test':
      return `Test pattern and ${source.tone} Hz tone`;
    case 'device':
      return source.id;
  }
}

/** Opens the source with FFmpeg without decoding it and reads which streams it has. */
export async function probeSource(
  ffmpegPath: string,
  source: CaptureSource,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProbeResult> {
  if (source.kind === 'test') return { video: true, audio: true };
  const output = await runFfmpeg(ffmpegPath, probeArgs(source), { timeoutMs: options.timeoutMs ?? 15_000, ...(options.env ? { env: options.env } : {}) });
  return parseProbe(output.stderr);
}

/** Which streams FFmpeg's description of an input lists; throws FFmpeg's reason when it could not open it. */
export function parseProbe(stderr: string): ProbeResult {
  const lines = outputLines(stderr);
  const kinds = lines.flatMap((line) => {
    const match = /^\s*Stream #\d+:\d+\S*: (Video|Audio):/.exec(line);
    return match ? [match[1]] : [];
  });
  const result = { video: kinds.includes('Video'), audio: kinds.includes('Audio') };
  if (result.video || result.audio) return result;
  const reasons = lines.filter((line) => line.trim() && !/At least one output file must be specified/.test(line));
  throw new Error(`FFmpeg could not open it: ${describeFailure(reasons.slice(-5), 'video')}`);
}
