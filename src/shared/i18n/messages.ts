import IntlMessageFormat from 'intl-messageformat';

/** What a message asks for and how it is built, for checking one language's catalogue against another's. */
export interface MessageShape {
  /** Every argument it takes (`{name}`, `{count, plural, …}`, `{at, time, short}`), sorted. */
  arguments: string[];
  /** Its tags (`<strong>…</strong>`), sorted. */
  tags: string[];
  /** Its plurals: the argument and the categories it words (one, few, many, other…). */
  plurals: Array<{ argument: string; categories: string[] }>;
}

interface Element {
  type: number;
  value?: string;
  options?: Record<string, { value: Element[] }>;
  children?: Element[];
  pluralType?: string;
}

// intl-messageformat's element types (TYPE in @formatjs/icu-messageformat-parser).
const ARGUMENT = 1;
const NUMBER = 2;
const DATE = 3;
const TIME = 4;
const SELECT = 5;
const PLURAL = 6;
const TAG = 8;

/** Parses `message` as ICU MessageFormat in `language` (throws on a syntax error) and says what it asks for. */
export function messageShape(message: string, language: string): MessageShape {
  const ast = new IntlMessageFormat(message, language).getAst() as unknown as Element[];
  const args = new Set<string>();
  const tags = new Set<string>();
  const plurals: MessageShape['plurals'] = [];
  const walk = (elements: Element[]): void => {
    for (const element of elements) {
      if ([ARGUMENT, NUMBER, DATE, TIME, SELECT, PLURAL].includes(element.type) && element.value) args.add(element.value);
      if (element.type === TAG && element.value) tags.add(element.value);
      if (element.type === PLURAL && element.value && element.pluralType !== 'ordinal') {
        plurals.push({ argument: element.value, categories: Object.keys(element.options ?? {}).sort() });
      }
      for (const option of Object.values(element.options ?? {})) walk(option.value);
      if (element.children) walk(element.children);
    }
  };
  walk(ast);
  return { arguments: [...args].sort(), tags: [...tags].sort(), plurals };
}

/** The plural categories `language` needs for cardinal numbers (Russian: one, few, many, other). */
export function pluralCategories(language: string): string[] {
  return [...new Intl.PluralRules(language).resolvedOptions().pluralCategories].sort();
}
