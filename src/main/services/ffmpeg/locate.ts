import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/** Which FFmpeg binary the app runs, and how it was found. */
export interface FfmpegLocation {
  path: string;
  source: 'FFMPEG_PATH' | 'ffmpeg-static' | 'PATH';
}

export class FfmpegNotFoundError extends Error {
  override readonly name = 'FfmpegNotFoundError';

  /** `not-executable`: FFMPEG_PATH is set, to no program; `not-found`: nowhere else either. */
  constructor(
    message: string,
    readonly reason: 'not-found' | 'not-executable' = 'not-found',
  ) {
    super(message);
  }
}

export const NOT_FOUND_MESSAGE =
  'FFmpeg was not found. Set FFMPEG_PATH to an ffmpeg executable, install the optional ffmpeg-static package (npm install ffmpeg-static), or install FFmpeg so that `ffmpeg` is on the PATH.';

export interface LocateOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** ffmpeg-static's answer: a path, or null when it is not installed. */
  staticPath?: () => string | null;
  isExecutable?: (path: string) => boolean;
}

/**
 * Finds the FFmpeg binary: `FFMPEG_PATH`, then the `ffmpeg-static` optional dependency, then
 * `ffmpeg` on the PATH. Throws an FfmpegNotFoundError that tells the user what to do.
 */
export function locateFfmpeg(options: LocateOptions = {}): FfmpegLocation {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const isExecutable = options.isExecutable ?? ((path: string) => executableFile(path, platform));

  const configured = env.FFMPEG_PATH?.trim();
  if (configured) {
    if (isExecutable(configured)) return { path: configured, source: 'FFMPEG_PATH' };
    throw new FfmpegNotFoundError(`FFMPEG_PATH is set to "${configured}", but there is no executable file there.`, 'not-executable');
  }

  const bundled = (options.staticPath ?? ffmpegStaticPath)();
  if (bundled && isExecutable(bundled)) return { path: bundled, source: 'ffmpeg-static' };

  const names = platform === 'win32' ? windowsNames(env) : ['ffmpeg'];
  const pathVariable = env.PATH ?? env.Path ?? '';
  const separator = platform === 'win32' ? ';' : delimiter;
  for (const dir of pathVariable.split(separator)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return { path: candidate, source: 'PATH' };
    }
  }
  throw new FfmpegNotFoundError(NOT_FOUND_MESSAGE);
}

/** The binary the `ffmpeg-static` package ships, if it is installed (it is optional: its download needs the internet). */
export function ffmpegStaticPath(): string | null {
  try {
    const required: unknown = createRequire(import.meta.url)('ffmpeg-static');
    if (typeof required !== 'string') return null;
    // In a packaged app the binary is unpacked next to the asar archive (electron-builder.yml).
    return required.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
  } catch {
    return null;
  }
}

function windowsNames(env: NodeJS.ProcessEnv): string[] {
  const extensions = (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
  return extensions.map((ext) => `ffmpeg${ext.toLowerCase()}`);
}

function executableFile(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
