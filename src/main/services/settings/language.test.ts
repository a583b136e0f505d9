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

  it('tells listeners of the kept choice once it is read (menus drawn before follow it), and a choice made meanwhile wins', async () => {
    const kept = new LanguageSettings(memoryStore({ language: 'ru' as const }), () => ['en-US']);
    const heard: string[] = [];
    kept.onChange((state) => heard.push(`${state.setting}:${state.language}`));
    expect(kept.language).toBe('en');
    const loading = kept.load();
    // A window that asks while the file is being read hears the kept choice, not the system's.
    expect(await kept.current()).toEqual({ setting: 'ru', language: 'ru' });
    await loading;
    expect(heard).toEqual(['ru:ru']);

    // The file says what the system says: nothing changes, nobody is told.
    const same = new LanguageSettings(memoryStore({ language: 'system' as const }), () => ['ru']);
    const quiet: string[] = [];
    same.onChange((state) => quiet.push(state.language));
    await same.load();
    expect(quiet).toEqual([]);

    // Chosen while the file was being read: the choice stays.
    const store = memoryStore({ language: 'ru' as const });
    const racing = new LanguageSettings(store, () => ['en-US']);
    const racingLoad = racing.load();
    await racing.set('en');
    expect(await racingLoad).toEqual({ setting: 'en', language: 'en' });
    expect(store.value).toEqual({ language: 'en' });
  });
});
