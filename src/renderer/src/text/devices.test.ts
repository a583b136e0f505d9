import { afterEach, describe, expect, it } from 'vitest';
import type { FfmpegStatus } from '@shared/ipc/devices';
import { ffmpegNotice } from './devices';
import { applyLanguage } from './i18n';

const status = (problem: FfmpegStatus['problem'], message: string | null): FfmpegStatus => ({
  state: problem ? 'unavailable' : 'ok',
  problem,
  message,
  source: 'none',
  listedAt: null,
});

describe('the FFmpeg notice under the device pickers', () => {
  afterEach(() => applyLanguage('en'));

  it("words what is wrong in the app language, never the main process's English detail", () => {
    const detail = 'FFMPEG_PATH is set to "/nope/ffmpeg", but there is no executable file there.';
    expect(ffmpegNotice(status('not-executable', detail))).toBe('FFMPEG_PATH does not name an FFmpeg program: only the devices Chromium lists can be used');
    applyLanguage('ru');
    expect(ffmpegNotice(status('not-found', 'FFmpeg was not found.'))).toBe('FFmpeg не найден: доступны только устройства, которые видит Chromium');
    expect(ffmpegNotice(status('cannot-list', 'FFmpeg could not list devices: v4l2: …'))).toMatch(/^FFmpeg не смог получить список устройств/);
  });

  it('says nothing when all is well', () => {
    expect(ffmpegNotice(status(null, null))).toBeNull();
  });
});
