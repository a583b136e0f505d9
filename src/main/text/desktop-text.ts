import { createTranslator, type MessageKey, type MessageValues } from '@shared/i18n/translator';
import type { Language } from '@shared/i18n/languages';
import { en } from './en';
import { ru } from './ru';

export const DESKTOP_CATALOGUES = { en, ru } as const;

export type DesktopKey = MessageKey<typeof en>;
/** A message of the main process in one language, its ICU arguments filled in. */
export type Translate = (key: DesktopKey, values?: MessageValues) => string;

const translator = createTranslator('desktop', DESKTOP_CATALOGUES);
const cache = new Map<Language, Translate>();

/** The main process's words in `language` (menus, tray, notifications, dialogs). */
export function desktopText(language: Language): Translate {
  let text = cache.get(language);
  if (!text) {
    const fixed = translator.getFixedT(language);
    text = (key, values) => (fixed as unknown as (key: string, values?: MessageValues) => string)(key, values);
    cache.set(language, text);
  }
  return text;
}

/** English: the default, and what the tests of menus and tray read. */
export const englishText: Translate = desktopText('en');
