import i18next, { type i18n } from 'i18next';
import ICU from 'i18next-icu';
import { FALLBACK_LANGUAGE, LANGUAGES, type Language } from './languages';

/**
 * A message catalogue's shape: nested groups of ICU MessageFormat strings. Another language's
 * catalogue has exactly the same keys (`Catalogue<typeof en>`), which the compiler checks.
 */
export type Catalogue<T> = { readonly [K in keyof T]: T[K] extends string ? string : Catalogue<T[K]> };

/** `a.b.c` for every message of a catalogue. */
export type MessageKey<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : MessageKey<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** The values a message's ICU arguments take (`{name}`, `{count, plural, …}`, `{at, time, short}`). */
export type MessageValues = Record<string, string | number | Date>;

/** Every key of a catalogue with its message, flattened (`group.key` -> text). */
export function flatten(catalogue: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    if (typeof value === 'string') out.set(`${prefix}${key}`, value);
    else if (value && typeof value === 'object') for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

/**
 * An i18next instance over `catalogues` (one namespace, every language), its messages in ICU
 * MessageFormat (plurals by each language's CLDR rules, numbers, dates and times through `Intl`).
 * Ready at once (no loading): `t` works as soon as this returns. Falls back to English.
 */
export function createTranslator(namespace: string, catalogues: Readonly<Record<Language, object>>, language: Language = FALLBACK_LANGUAGE): i18n {
  const instance = i18next.createInstance();
  void instance.use(ICU).init({
    lng: language,
    fallbackLng: FALLBACK_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    ns: [namespace],
    defaultNS: namespace,
    resources: Object.fromEntries(LANGUAGES.map((lng) => [lng, { [namespace]: catalogues[lng] }])),
    initAsync: false,
    // React escapes what it renders; menus and notifications are plain text.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}
