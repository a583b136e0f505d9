import type { SectionHandlers } from '@shared/ipc/contract';
import type { SETTINGS_CHANNELS } from '@shared/ipc/settings';
import type { LanguageSettings } from '../services/settings/language';

/** IPC handlers of the settings main keeps (their arguments are validated before they run). */
export function settingsIpcHandlers(language: LanguageSettings): SectionHandlers<typeof SETTINGS_CHANNELS> {
  return {
    'settings:language': () => language.current(),
    'settings:set-language': (setting) => language.set(setting),
  };
}
