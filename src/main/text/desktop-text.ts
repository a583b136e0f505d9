import { createTranslator, type MessageKey, type MessageValues } from '@shared/i18n/translator';
import type { Language } from '@shared/i18n/languages';
import { en } from './en';
import { ru } from './ru';

export const DESKTOP_CATALOGUES = { en, ru } as const;

export type DesktopKey = MessageKey<typeof en>;
/** A message of the main process in one language (`language`), its ICU arguments filled in. */
export type Translate = ((key: DesktopKey, values?: MessageValues) => string) & { readonly language: Language };

const translator = createTranslator('desktop', DESKTOP_CATALOGUES);
const cache = new Map<Language, Translate>();

/** The main process's words in `language` (menus, tray, notifications, dialogs). */
export function desktopText(language: Language): Translate {
  let text = cache.get(language);
  if (!text) {
    const fixed = translator.getFixedT(language);
    const format = fixed as unknown as (key: string, values?: MessageValues) => string;
    text = Object.assign((key: DesktopKey, values?: MessageValues) => format(key, values), { language });
    cache.set(language, text);
  }
  return text;
}

/** Items in the language of `t`, the last after "or" ("A, B or C"; "A, B или C"). */
export function eitherOf(t: Translate, items: readonly string[]): string {
  return new Intl.ListFormat(t.language, { type: 'disjunction' }).format(items);
}

/** English: the default, and what the tests of menus and tray read. */
export const englishText: Translate = desktopText('en');
