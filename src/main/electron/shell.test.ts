import { app, BrowserWindow, ipcMain, Menu, resetFakeElectron } from '../../../tests/fakes/electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '@shared/ipc';
import type { app as FakeApp, ipcMain as FakeIpcMain, Menu as FakeMenu, protocol as FakeProtocol } from '../../../tests/fakes/electron';
import { protocol } from '../../../tests/fakes/electron';
import { Tray } from '../../../tests/fakes/electron';
import { APP_ENTRY } from './app-origin';
import { memoryStore } from '../services/settings/json-file';
import { LanguageSettings } from '../services/settings/language';
import type { LanguageSetting } from '@shared/i18n/languages';
import { startShell } from './shell';

beforeEach(() => resetFakeElectron());

/** The labels of the application menu's top level, and of the tray's menu (separators as "-"). */
function labels(): { menu: string[]; tray: string[]; tooltip: string } {
  const menu = (Menu as unknown as typeof FakeMenu).current!.template.map((item) => item.label ?? item.role ?? '-');
  const tray = Tray.all[0]!;
  const trayMenu = (tray.menu as unknown as typeof FakeMenu.prototype).template.map((item) => item.label ?? '-');
  return { menu, tray: trayMenu, tooltip: tray.tooltip };
}

const ENGLISH = {
  menu: ['File', 'Edit', 'View', 'Devices', 'Window', 'Help'],
  tray: ['Host a meeting', 'Join…', 'Show window', '-', 'Quit Roundtable'],
  tooltip: 'Roundtable — not in a meeting',
};
const RUSSIAN = {
  menu: ['Файл', 'Правка', 'Вид', 'Устройства', 'Окно', 'Справка'],
  tray: ['Провести встречу', 'Присоединиться…', 'Показать окно', '-', 'Закрыть Roundtable'],
  tooltip: 'Roundtable — вы не на встрече',
};

/** Starts the shell with the language kept from the last run (`kept`) and the system's languages (`system`), and makes it ready. */
async function startIn(kept: LanguageSetting | null, system: () => readonly string[]): Promise<void> {
  (app as unknown as typeof FakeApp).restart();
  const language = new LanguageSettings(memoryStore(kept === null ? null : { language: kept }), system);
  startShell({ preload: '/p.cjs', renderer: '/r' }, { language });
  (app as unknown as typeof FakeApp).becomeReady();
  await app.whenReady();
}

const setLanguage = (setting: unknown) => (ipcMain as unknown as typeof FakeIpcMain).invokeAs(APP_ENTRY, 'settings:set-language', [setting]);

describe('the Electron shell', () => {
  it('sandboxes every renderer, registers app:// before ready, and wires IPC, menu and window once ready', async () => {
    startShell({ preload: '/p.cjs', renderer: '/r' });
    expect(app.enableSandbox).toHaveBeenCalled();
    expect((protocol as unknown as typeof FakeProtocol).privileged.map((s) => s.scheme)).toEqual(['app']);

    (app as unknown as typeof FakeApp).becomeReady();
    await app.whenReady();
    await Promise.resolve();
    expect([...(ipcMain as unknown as typeof FakeIpcMain).handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
    expect((Menu as unknown as typeof FakeMenu).current?.template.length).toBeGreaterThan(0);
    expect(BrowserWindow.getAllWindows()).toHaveLength(1);
  });

  it('words the menu and the tray in English when the app speaks English', async () => {
    await startIn(null, () => ['en-US', 'de-DE']);
    await vi.waitFor(() => expect(labels()).toEqual(ENGLISH));
  });

  it('words them in Russian when the system speaks Russian, or when Russian is the kept choice (read after they were first drawn)', async () => {
    await startIn(null, () => ['ru-RU']);
    await vi.waitFor(() => expect(labels()).toEqual(RUSSIAN));

    resetFakeElectron();
    await startIn('ru', () => ['en-US']);
    await vi.waitFor(() => expect(labels()).toEqual(RUSSIAN));
  });

  it('switches the menu, the tray and every window at once when the language is changed, and refuses a language it does not speak', async () => {
    let system: readonly string[] = ['en-US'];
    await startIn(null, () => system);
    await vi.waitFor(() => expect(labels()).toEqual(ENGLISH));
    const window = BrowserWindow.getAllWindows()[0]!;
    window.webContents.url = APP_ENTRY;

    expect(await setLanguage('ru')).toEqual({ ok: true, value: { setting: 'ru', language: 'ru' } });
    expect(labels()).toEqual(RUSSIAN);
    expect(window.webContents.send).toHaveBeenLastCalledWith('settings:language-changed', { setting: 'ru', language: 'ru' });

    expect(await setLanguage('en')).toEqual({ ok: true, value: { setting: 'en', language: 'en' } });
    expect(labels()).toEqual(ENGLISH);

    // Back to the system's language, which is now Russian.
    system = ['ru-RU', 'en-US'];
    expect(await setLanguage('system')).toEqual({ ok: true, value: { setting: 'system', language: 'ru' } });
    expect(labels()).toEqual(RUSSIAN);

    expect(await setLanguage('de')).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(labels()).toEqual(RUSSIAN);
  });
});
