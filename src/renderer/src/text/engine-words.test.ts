import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CAPTURE_REASON, FfmpegTrack, type CaptureReasonCode, type FramePort } from '../call/ffmpeg-track';
import { LocalMedia } from '../call/local-media';
import { FakeTrack } from '../call/test-support/fake-media';
import { engineWords } from './engine-words';
import { applyLanguage, t } from './i18n';

describe("the call engine's sentences", () => {
  it('stay as they are in English, and are worded in Russian, sentence by sentence', () => {
    const both = 'Permission to use the microphone was denied. No camera was found.';
    expect(engineWords(both)).toBe(both);
    expect(engineWords('The camera source could not be opened: Connection refused')).toBe('The camera source could not be opened: Connection refused');
    applyLanguage('ru');
    try {
      expect(engineWords(both)).toBe('Доступ к микрофону запрещён. Камера не найдена.');
      expect(engineWords('The microphone is in use by another program. The camera could not be opened.')).toBe(
        'Микрофон занят другой программой. Не удалось открыть камеру.',
      );
      expect(engineWords('The camera source could not be opened: Connection refused')).toBe('Не удалось открыть источник камеры: Connection refused');
      expect(engineWords('The microphone source stopped: end of stream')).toBe('Источник микрофона остановился: end of stream');
      expect(engineWords('Could not start recording: the recorder failed to start')).toBe('Не удалось начать запись: the recorder failed to start');
      expect(engineWords('Logitech BRIO')).toBe('Logitech BRIO');
    } finally {
      applyLanguage('en');
    }
  });
});

describe('why an FFmpeg source stopped or could not be opened, when the call engine itself says it', () => {
  const ENGLISH: Record<CaptureReasonCode, string> = {
    sourceEnded: 'The source ended.',
    sourceStopped: 'Stopped.',
    noTrackGenerator: 'This browser engine cannot make tracks from FFmpeg frames (no MediaStreamTrackGenerator).',
    needsDesktopApp: 'FFmpeg sources need the desktop app.',
  };
  const RUSSIAN: Record<CaptureReasonCode, string> = {
    sourceEnded: 'поток закончился.',
    sourceStopped: 'его остановили.',
    noTrackGenerator: 'этот браузерный движок не умеет превращать кадры FFmpeg в дорожки (нет MediaStreamTrackGenerator).',
    needsDesktopApp: 'источники FFmpeg работают только в приложении для компьютера.',
  };
  const wordings = (reason: string): string[] => [
    t('addSource.cameraStopped', { reason }),
    t('addSource.microphoneStopped', { reason }),
    t('media.sourceFailed', { device: 'camera', reason }),
  ];

  it('is a code, worded in English and in Russian wherever a source is said to have stopped or failed', () => {
    expect(Object.values(CAPTURE_REASON).sort()).toEqual(Object.keys(ENGLISH).sort());
    for (const code of Object.values(CAPTURE_REASON)) {
      expect(wordings(code)).toEqual([
        `The camera source stopped: ${ENGLISH[code]}`,
        `The microphone source stopped: ${ENGLISH[code]}`,
        `The camera source could not be opened: ${ENGLISH[code]}`,
      ]);
    }
    // FFmpeg's or main's own words pass as they are.
    expect(wordings('Connection refused')[0]).toBe('The camera source stopped: Connection refused');
    applyLanguage('ru');
    try {
      for (const code of Object.values(CAPTURE_REASON)) {
        expect(wordings(code)).toEqual([
          `Источник камеры остановился: ${RUSSIAN[code]}`,
          `Источник микрофона остановился: ${RUSSIAN[code]}`,
          `Не удалось открыть источник камеры: ${RUSSIAN[code]}`,
        ]);
      }
      expect(wordings('Connection refused')[2]).toBe('Не удалось открыть источник камеры: Connection refused');
    } finally {
      applyLanguage('en');
    }
  });

  describe('from the engine itself', () => {
    beforeEach(() => {
      vi.stubGlobal('MediaStream', class {});
      vi.stubGlobal(
        'MediaStreamTrackGenerator',
        class extends FakeTrack {
          readonly writable = new WritableStream();
          constructor(init: { kind: 'audio' | 'video' }) {
            super(init.kind);
          }
        },
      );
    });
    afterEach(() => {
      vi.unstubAllGlobals();
      applyLanguage('en');
    });

    it('a source whose end came without a reason: "The source ended." / "поток закончился."', () => {
      const port = new FakePort();
      const track = new FfmpegTrack(port, 'video');
      const reasons: string[] = [];
      track.onEnded((reason) => reasons.push(reason));
      port.send({ type: 'ended' });
      expect(reasons).toEqual([CAPTURE_REASON.ended]);
      // As the notice (SourceStoppedNotice) and the pre-join screen (engineWords of LocalMedia's error) say it.
      expect(t('addSource.cameraStopped', { reason: reasons[0]! })).toBe('The camera source stopped: The source ended.');
      expect(engineWords(`The camera source stopped: ${reasons[0]!}`)).toBe('The camera source stopped: The source ended.');
      applyLanguage('ru');
      expect(t('addSource.cameraStopped', { reason: reasons[0]! })).toBe('Источник камеры остановился: поток закончился.');
      expect(engineWords(`The camera source stopped: ${reasons[0]!}`)).toBe('Источник камеры остановился: поток закончился.');
    });

    it('a source stopped before its first frame', async () => {
      const track = new FfmpegTrack(new FakePort(), 'audio');
      track.stop();
      const error = await track.ready.then(
        () => null,
        (problem: unknown) => problem as Error,
      );
      applyLanguage('ru');
      expect(t('media.sourceFailed', { device: 'microphone', reason: error!.message })).toBe('Не удалось открыть источник микрофона: его остановили.');
    });

    it('an FFmpeg source where there is no FFmpeg (a browser guest): "FFmpeg sources need the desktop app."', async () => {
      const media = new LocalMedia();
      await media.useCameraCapture({ kind: 'test', tone: 440 });
      const error = media.state.get().error;
      expect(engineWords(error)).toBe('The camera source could not be opened: FFmpeg sources need the desktop app.');
      applyLanguage('ru');
      expect(engineWords(error)).toBe('Не удалось открыть источник камеры: источники FFmpeg работают только в приложении для компьютера.');
    });

    it('a Chromium that cannot make tracks from frames', () => {
      vi.stubGlobal('MediaStreamTrackGenerator', undefined);
      let error: Error | null = null;
      try {
        new FfmpegTrack(new FakePort(), 'video');
      } catch (problem) {
        error = problem as Error;
      }
      applyLanguage('ru');
      expect(t('media.sourceFailed', { device: 'camera', reason: error!.message })).toBe(
        'Не удалось открыть источник камеры: этот браузерный движок не умеет превращать кадры FFmpeg в дорожки (нет MediaStreamTrackGenerator).',
      );
    });
  });
});

/** The renderer's end of a capture's MessagePort, driven by the test. */
class FakePort implements FramePort {
  private readonly listeners: Array<(event: MessageEvent) => void> = [];
  postMessage(): void {}
  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listeners.push(listener);
  }
  start(): void {}
  close(): void {}
  send(data: unknown): void {
    for (const listener of this.listeners) listener({ data } as MessageEvent);
  }
}
