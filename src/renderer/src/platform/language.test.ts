import { describe, expect, it } from 'vitest';
import type { DesktopApi } from '@shared/desktop-api';
import type { Language, LanguageSetting } from '@shared/i18n/languages';
import type { LanguageState } from '@shared/ipc/settings';
import { LANGUAGE_KEY, LanguagePreference } from './language';

function memory(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

/** A desktop whose main keeps `state`, records what it is told, and can announce a change. */
function desktop(state: LanguageState) {
  const told: LanguageSetting[] = [];
  let listener: ((state: LanguageState) => void) | null = null;
  const api = {
    settings: {
      language: async () => state,
      setLanguage: async (setting: LanguageSetting) => {
        told.push(setting);
        state = { setting, language: setting === 'system' ? state.language : setting };
        return state;
      },
    },
    on: (_event: string, callback: (state: LanguageState) => void) => {
      listener = callback;
      return () => (listener = null);
    },
  } as unknown as DesktopApi;
  return { api, told, announce: (next: LanguageState) => listener?.(next) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the language preference', () => {
  it("follows the browser's languages, English when it speaks neither; a choice is kept, and 'system' forgets it", () => {
    const spoken: Language[] = [];
    const storage = memory();
    const preference = new LanguagePreference({ storage, systemLanguages: () => ['ru-RU', 'en'], desktop: null, apply: (l) => spoken.push(l) });
    expect(preference.state.get()).toEqual({ setting: 'system', language: 'ru', system: 'ru' });
    preference.choose('en');
    expect(storage.items.get(LANGUAGE_KEY)).toBe('en');
    expect(new LanguagePreference({ storage, systemLanguages: () => ['ru'], desktop: null, apply: () => undefined }).state.get().language).toBe('en');
    preference.choose('system');
    expect(storage.items.has(LANGUAGE_KEY)).toBe(false);
    expect(spoken).toEqual(['ru', 'en', 'ru']);
    expect(new LanguagePreference({ storage, systemLanguages: () => ['de-DE'], desktop: null, apply: () => undefined }).state.get().language).toBe('en');
  });

  it("in the desktop app takes main's system language and kept choice, tells main a choice, and follows main's changes", async () => {
    const main = desktop({ setting: 'system', language: 'ru' });
    const preference = new LanguagePreference({ storage: memory(), systemLanguages: () => ['en-US'], desktop: main.api, apply: () => undefined });
    preference.start();
    await settle();
    expect(preference.state.get()).toEqual({ setting: 'system', language: 'ru', system: 'ru' });
    preference.choose('en');
    expect(main.told).toEqual(['en']);
    main.announce({ setting: 'ru', language: 'ru' });
    expect(preference.state.get().language).toBe('ru');
  });

  it('tells main a choice made in the window before main kept one', async () => {
    const main = desktop({ setting: 'system', language: 'en' });
    const preference = new LanguagePreference({
      storage: memory({ [LANGUAGE_KEY]: 'ru' }),
      systemLanguages: () => ['en-US'],
      desktop: main.api,
      apply: () => undefined,
    });
    preference.start();
    await settle();
    expect(main.told).toEqual(['ru']);
    expect(preference.state.get().language).toBe('ru');
  });
});
