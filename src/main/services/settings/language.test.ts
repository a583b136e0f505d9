import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickLanguage } from '@shared/i18n/languages';
import { memoryStore } from './json-file';
import { languageFile, LanguageSettings } from './language';

describe('the language setting', () => {
  it("follows the system until a language is chosen, and English when the system's is not spoken", async () => {
    let system = ['ru-RU', 'en-US'];
    const settings = new LanguageSettings(memoryStore(), () => system);
    expect(await settings.load()).toEqual({ setting: 'system', language: 'ru' });
    system = ['de-DE', 'fr'];
    expect(settings.language).toBe('en');
    expect(pickLanguage(['pt-BR', 'RU'])).toBe('ru');
  });

  it('keeps the choice between runs and tells listeners of a change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-language-'));
    const settings = new LanguageSettings(languageFile(dir), () => ['en-US']);
    await settings.load();
    const heard: string[] = [];
    settings.onChange((state) => heard.push(state.language));
    expect(await settings.set('ru')).toEqual({ setting: 'ru', language: 'ru' });
    expect(await settings.set('ru')).toEqual({ setting: 'ru', language: 'ru' });
    expect(heard).toEqual(['ru']);
    expect(await new LanguageSettings(languageFile(dir), () => ['en-US']).load()).toEqual({ setting: 'ru', language: 'ru' });
  });

  it('treats a foreign file as no choice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-language-'));
    writeFileSync(join(dir, 'language.json'), JSON.stringify({ language: 'klingon' }));
    expect(await new LanguageSettings(languageFile(dir), () => ['ru']).load()).toEqual({ setting: 'system', language: 'ru' });
  });
});
