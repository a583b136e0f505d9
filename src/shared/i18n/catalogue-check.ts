import { LANGUAGES, type Language } from './languages';
import { messageShape, pluralCategories } from './messages';
import { flatten } from './translator';

/**
 * What is wrong with a set of catalogues (one per language), as sentences; none when they agree:
 * the same keys in every language, each message valid ICU, the same arguments and tags as the
 * English one, and every plural worded for each category its language needs.
 */
export function catalogueProblems(catalogues: Readonly<Record<Language, object>>): string[] {
  const problems: string[] = [];
  const english = flatten(catalogues.en);
  for (const language of LANGUAGES) {
    const messages = flatten(catalogues[language]);
    for (const key of english.keys()) if (!messages.has(key)) problems.push(`${language}: ${key} is missing`);
    for (const key of messages.keys()) if (!english.has(key)) problems.push(`${language}: ${key} is not in English`);
    const needed = pluralCategories(language);
    for (const [key, message] of messages) {
      let shape;
      try {
        shape = messageShape(message, language);
      } catch (error) {
        problems.push(`${language}: ${key} is not valid ICU MessageFormat (${String(error)})`);
        continue;
      }
      const clash = shape.tags.filter((tag) => shape.arguments.includes(tag));
      if (clash.length) problems.push(`${language}: ${key} has a tag and an argument both named ${clash.join(', ')} (the tag would hide the value)`);
      const source = english.get(key);
      if (source !== undefined && language !== 'en') {
        const expected = messageShape(source, 'en');
        if (expected.arguments.join() !== shape.arguments.join()) {
          problems.push(`${language}: ${key} takes {${shape.arguments.join('}, {')}}, English takes {${expected.arguments.join('}, {')}}`);
        }
        if (expected.tags.join() !== shape.tags.join())
          problems.push(`${language}: ${key} has tags <${shape.tags.join('>, <')}>, English <${expected.tags.join('>, <')}>`);
      }
      for (const plural of shape.plurals) {
        const missing = needed.filter((category) => !plural.categories.includes(category));
        if (missing.length) problems.push(`${language}: ${key} does not word {${plural.argument}} for ${missing.join(', ')}`);
      }
    }
  }
  return problems;
}
