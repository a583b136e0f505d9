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
  /** The kept choice being read (load()); null before. */
  private loading: Promise<void> | null = null;
  /** The person chose (set()) since the app started: a file read after that does not undo it. */
  private chosen = false;

  constructor(
    private readonly store: ValueStore<LanguageFile>,
    /** The system's languages, most preferred first (Electron: app.getPreferredSystemLanguages(), then app.getLocale()). */
    private readonly systemLanguages: () => readonly string[],
  ) {}

  /**
   * Reads the kept choice (a missing or unreadable file: follow the system). Listeners hear of it
   * when it changes what the app speaks: menus and tray, drawn before it was read, follow it.
   */
  async load(): Promise<LanguageState> {
    this.loading ??= this.store.read().then((kept) => {
      if (!this.chosen) this.change(kept?.language ?? 'system');
    });
    await this.loading;
    return this.state();
  }

  get language(): Language {
    return resolveLanguage(this.setting, this.systemLanguages());
  }

  state(): LanguageState {
    return { setting: this.setting, language: this.language };
  }

  /** The state once the kept choice is read (when load() has been called): what a window asks for. */
  async current(): Promise<LanguageState> {
    await this.loading;
    return this.state();
  }

  async set(setting: LanguageSetting): Promise<LanguageState> {
    this.chosen = true;
    const changed = setting !== this.setting;
    if (changed) await this.store.write({ language: setting });
    this.change(setting);
    return this.state();
  }

  onChange(listener: (state: LanguageState) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Takes `setting`; listeners hear of it when the choice or the language it gives changed. */
  private change(setting: LanguageSetting): void {
    const before = this.state();
    this.setting = setting;
    const state = this.state();
    if (state.setting !== before.setting || state.language !== before.language) for (const listener of [...this.listeners]) listener(state);
  }
}
