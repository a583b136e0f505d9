import type { LanguageSetting } from '@shared/i18n/languages';
import { getLanguagePreference, type LanguageChoice } from '../platform/language';
import { useStore } from './useStore';

/** The interface's language as chosen, live, and the way to choose another. */
export function useLanguageChoice(): LanguageChoice & { choose: (setting: LanguageSetting) => void } {
  const preference = getLanguagePreference();
  const choice = useStore(preference.state);
  return { ...choice, choose: (setting) => preference.choose(setting) };
}
