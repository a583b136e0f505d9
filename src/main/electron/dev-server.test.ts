import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, BrowserWindow, ipcMain, resetFakeElectron } from '../../../tests/fakes/electron';
import type { app as FakeApp, ipcMain as FakeIpcMain } from '../../../tests/fakes/electron';
import { APP_ENTRY } from './app-origin';
import { rendererDevServerUrl } from './dev-server';
import { startShell } from './shell';

const fakeApp = app as unknown as typeof FakeApp;
const fakeIpc = ipcMain as unknown as typeof FakeIpcMain;
const DEV_SERVER = 'http://localhost:5173';
const saved = process.env.ELECTRON_RENDERER_URL;

beforeEach(() => {
  resetFakeElectron();
  // Each test starts the shell afresh, which registers app:// before ready.
  fakeApp.ready = false;
});
afterEach(() => {
  if (saved === undefined) delete process.env.ELECTRON_RENDERER_URL;
  else process.env.ELECTRON_RENDERER_URL = saved;
});

describe('rendererDevServerUrl', () => {
  it('is the dev server when run from source', () => {
    expect(rendererDevServerUrl({ ELECTRON_RENDERER_URL: DEV_SERVER })).toBe(DEV_SERVER);
    expect(rendererDevServerUrl({})).toBeUndefined();
    expect(rendererDevServerUrl({ ELECTRON_RENDERER_URL: '' })).toBeUndefined();
  });

  it('is never anything in a packaged app, whatever the environment says', () => {
    fakeApp.isPackaged = true;
    expect(rendererDevServerUrl({ ELECTRON_RENDERER_URL: DEV_SERVER })).toBeUndefined();
    expect(rendererDevServerUrl({ ELECTRON_RENDERER_URL: 'https://evil.example/' })).toBeUndefined();
  });

  it('ignores anything that is not an http(s) URL', () => {
    for (const value of ['file:///tmp/index.html', 'javascript:alert(1)', 'not a url', 'app://roundtable/']) {
      expect(rendererDevServerUrl({ ELECTRON_RENDERER_URL: value }), value).toBeUndefined();
    }
  });
});

async function startWith(env: string, isPackaged: boolean): Promise<BrowserWindow> {
  process.env.ELECTRON_RENDERER_URL = env;
  fakeApp.isPackaged = isPackaged;
  startShell({ preload: '/p.cjs', renderer: '/r' });
  fakeApp.becomeReady();
  await app.whenReady();
  await Promise.resolve();
  const [window] = BrowserWindow.getAllWindows();
  if (!window) throw new Error('no window was opened');
  return window;
}

describe('ELECTRON_RENDERER_URL and the shell', () => {
  it('a packaged app loads its own renderer and trusts no page at that URL', async () => {
    const window = await startWith('https://evil.example/', true);
    expect(window.loaded).toBe(APP_ENTRY);
    await expect(fakeIpc.invokeAs('https://evil.example/', 'app:info', [])).resolves.toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    await expect(fakeIpc.invokeAs(APP_ENTRY, 'app:info', [])).resolves.toMatchObject({ ok: true, value: { name: 'Roundtable' } });
    // Nor may the window be navigated there.
    expect(window.webContents.dispatch('will-navigate', 'https://evil.example/')).toBe(true);
  });

  it('run from source, the window loads the dev server and its page may use the desktop API', async () => {
    const window = await startWith(DEV_SERVER, false);
    expect(window.loaded).toBe(DEV_SERVER);
    await expect(fakeIpc.invokeAs(`${DEV_SERVER}/`, 'app:info', [])).resolves.toMatchObject({ ok: true, value: { name: 'Roundtable' } });
  });
});
