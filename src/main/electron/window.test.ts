import { BrowserWindow, resetFakeElectron, shell } from '../../../tests/fakes/electron';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserWindow as FakeWindow } from '../../../tests/fakes/electron';
import { APP_ENTRY } from './app-origin';
import { createMainWindow } from './window';

beforeEach(() => resetFakeElectron());

const open = (devServerUrl?: string): FakeWindow =>
  createMainWindow({ preload: '/app/preload/index.cjs', ...(devServerUrl ? { devServerUrl } : {}) }) as unknown as FakeWindow;

describe('the main window', () => {
  it('follows the security checklist in its webPreferences', () => {
    const window = open();
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
  });

  it('loads the renderer from app://, not file://', () => {
    expect(open().loaded).toBe(APP_ENTRY);
    expect(APP_ENTRY).toBe('app://roundtable/index.html');
  });

  it('refuses to navigate anywhere but the app', () => {
    const { webContents } = open();
    expect(webContents.dispatch('will-navigate', 'https://evil.example/')).toBe(true);
    expect(webContents.dispatch('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(webContents.dispatch('will-redirect', 'https://evil.example/')).toBe(true);
    expect(webContents.dispatch('will-navigate', 'app://roundtable/index.html?room=x')).toBe(false);
    expect(webContents.dispatch('will-attach-webview', {}, {})).toBe(true);
  });

  it('never opens a new window; web links go to the browser, anything else nowhere', () => {
    const { webContents } = open();
    expect(webContents.windowOpenHandler?.({ url: 'https://example.org/docs' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.org/docs');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.org/']) {
      expect(webContents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('trusts the dev server only when one is given', () => {
    const { webContents } = open('http://localhost:5173');
    expect(webContents.dispatch('will-navigate', 'http://localhost:5173/?room=x')).toBe(false);
    expect(BrowserWindow.getAllWindows()).toHaveLength(1);
    const plain = open();
    expect(plain.webContents.dispatch('will-navigate', 'http://localhost:5173/')).toBe(true);
  });
});
