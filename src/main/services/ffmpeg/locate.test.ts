import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FfmpegNotFoundError, locateFfmpeg, NOT_FOUND_MESSAGE } from './locate';

function fakeBinary(dir: string, name = 'ffmpeg'): string {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('finding the FFmpeg binary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-locate-'));
  const onPath = mkdtempSync(join(tmpdir(), 'rt-locate-path-'));
  const explicit = fakeBinary(dir, 'my-ffmpeg');
  const bundled = fakeBinary(dir, 'static-ffmpeg');
  const system = fakeBinary(onPath);

  it('prefers FFMPEG_PATH, then ffmpeg-static, then ffmpeg on the PATH', () => {
    const env = { PATH: `/nonexistent:${onPath}` };
    expect(locateFfmpeg({ env: { ...env, FFMPEG_PATH: explicit }, staticPath: () => bundled })).toEqual({ path: explicit, source: 'FFMPEG_PATH' });
    expect(locateFfmpeg({ env, staticPath: () => bundled })).toEqual({ path: bundled, source: 'ffmpeg-static' });
    expect(locateFfmpeg({ env, staticPath: () => null })).toEqual({ path: system, source: 'PATH' });
  });

  it('finds the system ffmpeg on this machine when ffmpeg-static is not installed', () => {
    expect(locateFfmpeg({ env: { PATH: process.env.PATH } })).toMatchObject({ source: 'PATH', path: expect.stringMatching(/\/ffmpeg$/) });
  });

  it('says clearly when FFMPEG_PATH points nowhere, and what to do when nothing is found', () => {
    expect(() => locateFfmpeg({ env: { FFMPEG_PATH: '/nope/ffmpeg', PATH: onPath } })).toThrow(
      /FFMPEG_PATH is set to "\/nope\/ffmpeg", but there is no executable file there/,
    );
    const notFound = (() => {
      try {
        locateFfmpeg({ env: { PATH: '/nonexistent' }, staticPath: () => null });
      } catch (error) {
        return error;
      }
    })();
    expect(notFound).toBeInstanceOf(FfmpegNotFoundError);
    expect((notFound as FfmpegNotFoundError).reason).toBe('not-found');
    expect((notFound as Error).message).toBe(NOT_FOUND_MESSAGE);
    expect(() => locateFfmpeg({ env: { FFMPEG_PATH: '/nope/ffmpeg' } })).toThrow(expect.objectContaining({ reason: 'not-executable' }));
    expect(NOT_FOUND_MESSAGE).toMatch(/FFMPEG_PATH.*ffmpeg-static.*PATH/);
  });

  it('skips a non-executable file and uses Windows names with PATHEXT', () => {
    const plain = join(dir, 'not-executable');
    writeFileSync(plain, '');
    expect(() => locateFfmpeg({ env: { FFMPEG_PATH: plain } })).toThrow(FfmpegNotFoundError);
    const seen: string[] = [];
    const win = locateFfmpeg({
      platform: 'win32',
      env: { Path: 'C:\\tools;C:\\ffmpeg\\bin', PATHEXT: '.COM;.EXE' },
      staticPath: () => null,
      isExecutable: (path) => (seen.push(path), path.endsWith('bin/ffmpeg.exe')),
    });
    expect(win.path).toMatch(/ffmpeg\.exe$/);
    expect(seen[0]).toMatch(/^C:\\tools.ffmpeg\.com$/);
  });
});
