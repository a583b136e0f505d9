import { join } from 'node:path';
import { z } from 'zod';
import { LanguageSettingSchema, resolveLanguage, type Language, type LanguageSetting } from '@shared/i18n/languages';
import type { LanguageState } from '@shared/ipc/settings';
import { JsonFile, type ValueStore } from './json-file';

const LanguageFileSchema = z.strictObject({ language: LanguageSettingSchema });
type LanguageFile = z.infer<typeof LanguageFileSchema>;

/** The chosen language, in `<userData>/language.json`. */
export function languageFile(dataDir: string): JsonFile<LanguageFile> {
  return new JsonFile(join(dataDir, 'language.json'), LanguageFileSchema);
}

/**
 * The interface's language in the main process: the person's choice (kept between runs) or, until
 * they choose, the system's. Menus, the tray and notifications read `language`; listeners hear of
 * every change.
 */
export class LanguageSettings {
  private setting: LanguageSetting = 'system';
  private readonly listeners = new Set<(state: LanguageState) => void>();

  constructor(
    private readonly store: ValueStore<LanguageFile>,
    /** The system's languages, most preferred first (Electron: app.getPreferredSystemLanguages(), then app.getLocale()). */
    private readonly systemLanguages: () => readonly string[],
  ) {}

  /** Reads the kept choice (a missing or unreadable file: follow the system). */
  async load(): Promise<LanguageState> {
    this.setting = (await this.store.read())?.language ?? 'system';
    return this.state();
  }

  get language(): Language {
    return resolveLanguage(this.setting, this.systemLanguages());
  }

  state(): LanguageState {
    return { setting: this.setting, language: this.language };
  }

  async set(setting: LanguageSetting): Promise<LanguageState> {
    const before = this.language;
    const changed = setting !== this.setting;
    this.setting = setting;
    if (changed) await this.store.write({ language: setting });
    const state = this.state();
    if (changed || state.language !== before) for (const listener of this.listeners) listener(state);
    return state;
  }

  onChange(listener: (state: LanguageState) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
