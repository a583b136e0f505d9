import IntlMessageFormat from 'intl-messageformat';
import { FALLBACK_LANGUAGE, isLanguage, type Language } from '@shared/i18n/languages';
import { createTranslator, type MessageKey, type MessageValues } from '@shared/i18n/translator';
import { en } from './locales/en';
import { ru } from './locales/ru';

/**
 * The renderer's words: one i18next instance over the catalogues (locales/), its messages in ICU
 * MessageFormat. It starts in English (so unit tests in Node read English); main.tsx sets the
 * person's language before anything renders. Components use react-i18next's useTranslation() over
 * this instance; code outside React (the failure texts, the notices) calls `t`.
 */
export const RENDERER_CATALOGUES = { en, ru } as const;
export const NAMESPACE = 'app';
export type TextKey = MessageKey<typeof en>;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'app';
    resources: { app: typeof en };
  }
}

export const i18n = createTranslator(NAMESPACE, RENDERER_CATALOGUES, FALLBACK_LANGUAGE);

/** A message in the current language, its ICU arguments filled in. */
export function t(key: TextKey, values?: MessageValues): string {
  return (i18n.t as unknown as (key: string, values?: MessageValues) => string)(key, values);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : FALLBACK_LANGUAGE;
}

/** Speaks `language` from now on (every useTranslation() re-renders). */
export function applyLanguage(language: Language): void {
  if (i18n.language !== language) void i18n.changeLanguage(language);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/** A time of day as people of the current language write it ("14:05", "2:05 PM"), through Intl. */
export function formatTime(at: Date | number): string {
  return new Intl.DateTimeFormat(currentLanguage(), { hour: 'numeric', minute: '2-digit' }).format(at);
}

/** A number with at most `digits` decimals, in the current language ("1.5" / "1,5"). */
export function formatNumber(value: number, digits = 0): string {
  return new Intl.NumberFormat(currentLanguage(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

/** A rich message's pieces: text, and whatever its tags became. */
export type RichPart<T> = string | T;
/** What a tag (`<strong>…</strong>`) of a rich message becomes, given what it encloses. */
export type TagRenderer<T> = (chunks: Array<RichPart<T>>) => T;

/**
 * A message whose tags (`<strong>{host}</strong>`) become elements: formatted by intl-messageformat
 * itself, so the values (a name someone typed) are only ever text, never markup. Framework-free:
 * the caller says what a tag makes (components/Rich.tsx makes React elements).
 */
export function richText<T>(key: TextKey, values: MessageValues, tags: Record<string, TagRenderer<T>>): Array<RichPart<T>> {
  const language = currentLanguage();
  const message =
    (i18n.getResource(language, NAMESPACE, key) as string | undefined) ?? (i18n.getResource(FALLBACK_LANGUAGE, NAMESPACE, key) as string | undefined) ?? key;
  const formatted = new IntlMessageFormat(message, language).format<T>({ ...values, ...tags } as Record<string, never>);
  return Array.isArray(formatted) ? (formatted as Array<RichPart<T>>) : [formatted as RichPart<T>];
}
