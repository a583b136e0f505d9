import { z } from 'zod';
import { LanguageSchema, LanguageSettingSchema } from '../i18n/languages';
import { event, events, invoke } from './contract';

/** The interface's language: what the person chose ('system' unless they chose) and what that gives. */
export const LanguageStateSchema = z.strictObject({ setting: LanguageSettingSchema, language: LanguageSchema });
export type LanguageState = z.infer<typeof LanguageStateSchema>;

/** `window.desktop.settings`: choices the main process keeps (in userData) and uses itself (menus, tray). */
export const SETTINGS_CHANNELS = {
  /** The language the app speaks: the one chosen, or the system's (app.getPreferredSystemLanguages()). */
  language: invoke('settings:language', { args: [], result: LanguageStateSchema }),
  /** Chooses a language ('system': follow the system again); menus, tray and notifications follow at once. */
  setLanguage: invoke('settings:set-language', { args: [LanguageSettingSchema], result: LanguageStateSchema }),
};

export const SETTINGS_EVENTS = events(
  /** The language changed (in another window, say): every renderer follows. */
  event('settings:language-changed', LanguageStateSchema),
);
