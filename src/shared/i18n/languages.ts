import { z } from 'zod';

/** The languages the interface speaks. English is the fallback for everything else. */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = 'en';

export const LanguageSchema = z.enum(LANGUAGES);
/** What the person chose in the settings: a language, or whatever the system speaks. */
export const LanguageSettingSchema = z.enum(['system', ...LANGUAGES]);
export type LanguageSetting = z.infer<typeof LanguageSettingSchema>;

/** Each language by its own name: the picker lists them so, whatever language it is in. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', ru: 'Русский' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The first of `preferred` (BCP 47 tags, most wanted first: `navigator.languages`, Electron's
 * `app.getPreferredSystemLanguages()`) that the interface speaks, by its primary subtag
 * ("ru-RU" and "ru" are Russian); English when none is.
 */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (isLanguage(primary)) return primary;
  }
  return FALLBACK_LANGUAGE;
}

/** The language to speak: the one chosen, or the system's for 'system'. */
export function resolveLanguage(setting: LanguageSetting, system: readonly string[]): Language {
  return setting === 'system' ? pickLanguage(system) : setting;
}
