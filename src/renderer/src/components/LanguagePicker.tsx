import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGES, LanguageSettingSchema } from '@shared/i18n/languages';
import { useLanguageChoice } from '../hooks/useLanguageChoice';

/** The interface's language: as the system's, or one chosen (each listed by its own name). Remembered. */
export function LanguagePicker({ compact = false }: { compact?: boolean }): ReactElement {
  const { t } = useTranslation();
  const { setting, system, choose } = useLanguageChoice();
  return (
    <label className={compact ? 'field picker language-picker compact' : 'field picker language-picker'}>
      <span>{t('language.label')}</span>
      <select
        data-testid="language-select"
        value={setting}
        onChange={(e) => {
          const parsed = LanguageSettingSchema.safeParse(e.target.value);
          if (parsed.success) choose(parsed.data);
        }}
      >
        <option value="system">{t('language.system', { language: LANGUAGE_NAMES[system] })}</option>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
    </label>
  );
}
