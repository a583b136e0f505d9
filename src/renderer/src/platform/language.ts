import type { DesktopApi } from '@shared/desktop-api';
import { LanguageSettingSchema, pickLanguage, resolveLanguage, type Language, type LanguageSetting } from '@shared/i18n/languages';
import type { LanguageState } from '@shared/ipc/settings';
import { Store, type ReadonlyStore } from '../call/store';
import { applyLanguage } from '../text/i18n';

/** Where a browser (or the desktop app's renderer) keeps the choice: absent for "as the system". */
export const LANGUAGE_KEY = 'roundtable.language';

export interface LanguageChoice {
  /** What the person chose: a language, or 'system'. */
  setting: LanguageSetting;
  /** What the interface speaks. */
  language: Language;
  /** What 'system' gives (shown beside it in the picker). */
  system: Language;
}

export interface LanguageDeps {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** The system's languages, most wanted first (`navigator.languages`). */
  systemLanguages: () => readonly string[];
  /** The desktop shell, which keeps the choice too (for its menus and tray); null for a browser guest. */
  desktop: DesktopApi | null;
  /** Makes the interface speak a language (text/i18n's applyLanguage; a test may watch). */
  apply?: (language: Language) => void;
}

/**
 * The interface's language: follows the system (the browser's languages for a guest, the desktop
 * app's for the app) until the person chooses one in the settings; the choice is remembered
 * (localStorage) and, in the desktop app, told to main, whose menus and tray follow it. English
 * when the system speaks nothing the app does.
 */
export class LanguagePreference {
  private readonly writable: Store<LanguageChoice>;
  readonly state: ReadonlyStore<LanguageChoice>;
  private readonly apply: (language: Language) => void;
  /** What main says 'system' is (the desktop app's locale); the browser's list until it answers. */
  private mainSystem: Language | null = null;

  constructor(private readonly deps: LanguageDeps) {
    this.apply = deps.apply ?? applyLanguage;
    const parsed = LanguageSettingSchema.safeParse(deps.storage.getItem(LANGUAGE_KEY));
    this.state = this.writable = new Store(this.choiceFor(parsed.success ? parsed.data : 'system'));
    this.apply(this.state.get().language);
  }

  /** On the desktop: agree with main (its kept choice, its system language) and follow its changes. Returns the way to stop. */
  start(): () => void {
    const settings = this.deps.desktop?.settings;
    if (!settings) return () => undefined;
    const chosenHere = this.deps.storage.getItem(LANGUAGE_KEY) !== null;
    void settings.language().then(
      (main) => {
        this.adoptSystem(main);
        // A choice made here (another window, or before main kept one) wins; otherwise main's does.
        if (chosenHere && main.setting !== this.state.get().setting) void settings.setLanguage(this.state.get().setting).catch(() => undefined);
        else this.set(main.setting, false);
      },
      () => undefined,
    );
    return this.deps.desktop!.on('settings:language-changed', (main) => {
      this.adoptSystem(main);
      this.set(main.setting, true);
    });
  }

  /** The person chose in the settings. */
  choose(setting: LanguageSetting): void {
    this.set(setting, true);
    void this.deps.desktop?.settings?.setLanguage(setting).catch(() => undefined);
  }

  private adoptSystem(main: LanguageState): void {
    if (main.setting === 'system') this.mainSystem = main.language;
  }

  private set(setting: LanguageSetting, remember: boolean): void {
    if (remember) {
      if (setting === 'system') this.deps.storage.removeItem(LANGUAGE_KEY);
      else this.deps.storage.setItem(LANGUAGE_KEY, setting);
    }
    const next = this.choiceFor(setting);
    this.writable.set(next);
    this.apply(next.language);
  }

  private choiceFor(setting: LanguageSetting): LanguageChoice {
    const system = this.mainSystem ?? pickLanguage(this.deps.systemLanguages());
    return { setting, language: setting === 'system' ? system : resolveLanguage(setting, []), system };
  }
}

let current: LanguagePreference | null = null;

/** The app's language preference (main.tsx makes it); a stand-in that follows the browser until then. */
export function getLanguagePreference(): LanguagePreference {
  current ??= new LanguagePreference({
    storage: typeof localStorage === 'undefined' ? memoryStorage() : localStorage,
    systemLanguages: () => (typeof navigator === 'undefined' ? [] : navigator.languages),
    desktop: null,
  });
  return current;
}

export function setLanguagePreference(preference: LanguagePreference): void {
  current = preference;
}

function memoryStorage(): LanguageDeps['storage'] {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) };
}
