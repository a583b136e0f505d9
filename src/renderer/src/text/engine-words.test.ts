import { describe, expect, it } from 'vitest';
import { engineWords } from './engine-words';
import { applyLanguage } from './i18n';

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
