/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), item by
 * item, against the shell as the app starts it (startShell, against the fake `electron`): each test
 * fails if its item is undone anywhere along the way, in the setting itself or in its wiring.
 * `npm run audit:electron` checks the same items statically in the source.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, contextBridge, FakeWebContents, ipcMain, protocol, session, shell } from '../../../tests/fakes/electron';
import { beforeAll, describe, expect, it } from 'vitest';
import type { app as FakeApp, BrowserWindow as FakeWindow, FakeSession, ipcMain as FakeIpcMain, protocol as FakeProtocol } from '../../../tests/fakes/electron';
import { readFuses, REQUIRED_FUSES } from '../../../scripts/audit-electron';
import { APP_CSP, APP_ENTRY } from './app-origin';
import { startShell } from './shell';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const fakeApp = app as unknown as typeof FakeApp;
const fakeIpc = ipcMain as unknown as typeof FakeIpcMain;
const fakeProtocol = protocol as unknown as typeof FakeProtocol;

let window: FakeWindow;
let sandboxedBeforeReady = false;
let schemeBeforeReady = false;

// The shell starts once, as the app does; every test looks at what it set up.
beforeAll(async () => {
  const renderer = mkdtempSync(join(tmpdir(), 'rt-checklist-'));
  mkdirSync(join(renderer, 'assets'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Roundtable</title>');
  startShell({ preload: '/app/preload/index.cjs', renderer });
  sandboxedBeforeReady = (app.enableSandbox as unknown as { mock: { calls: unknown[] } }).mock.calls.length > 0;
  schemeBeforeReady = fakeProtocol.privileged.some((s) => s.scheme === 'app');
  fakeApp.becomeReady();
  await app.whenReady();
  await Promise.resolve();
  window = BrowserWindow.getAllWindows()[0] as unknown as FakeWindow;
});

const prefs = (): Record<string, unknown> => window.options.webPreferences as Record<string, unknown>;
const fakeSession = (): FakeSession => session.defaultSession as unknown as FakeSession;

function request(permission: string, url: string, isMainFrame = true): Promise<boolean> {
  const handler = fakeSession().permissionRequestHandler as unknown as (wc: unknown, p: string, cb: (granted: boolean) => void, details: unknown) => void;
  return new Promise((resolve) => handler({ getURL: () => url }, permission, resolve, { requestingUrl: url, isMainFrame }));
}

function check(permission: string, origin: string, isMainFrame = true): boolean {
  const handler = fakeSession().permissionCheckHandler as unknown as (wc: unknown, p: string, origin: string, details: unknown) => boolean;
  return handler(null, permission, origin, { requestingUrl: origin, isMainFrame });
}

const directive = (name: string): string[] =>
  APP_CSP.split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name)
    ?.slice(1) ?? [];

/** A webContents the app did not create itself (devtools, a stray popup): the shell must lock it down too. */
function strayContents(url = 'app://roundtable/index.html'): FakeWebContents {
  const contents = new FakeWebContents();
  contents.url = url;
  fakeApp.emit('web-contents-created', {}, contents);
  return contents;
}

describe("Electron's security checklist, as the shell applies it", () => {
  it('1. only loads secure content: app:// is a secure scheme, and connections go over TLS (plain text only to loopback)', () => {
    expect(window.loaded).toBe(APP_ENTRY);
    expect(fakeProtocol.privileged).toContainEqual({ scheme: 'app', privileges: expect.objectContaining({ secure: true, standard: true }) });
    const connect = directive('connect-src');
    expect(connect).toEqual(expect.arrayContaining(['https:', 'wss:']));
    // No plain-text scheme source, no wildcard: signaling carries the DTLS fingerprints of the call.
    for (const source of connect) {
      expect(source).not.toMatch(/^(http|ws):?$|^\*$/);
      if (/^(http|ws):\/\//.test(source)) expect(source).toMatch(/^(http|ws):\/\/(localhost|127\.0\.0\.1):\*$/);
    }
  });

  it('2. gives the renderer no Node.js integration, in frames or workers', () => {
    expect(prefs()).toMatchObject({ nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false });
  });

  it('3. isolates the context, and the preload exposes only the typed API', async () => {
    expect(prefs().contextIsolation).toBe(true);
    await import('../../preload/index');
    expect([...contextBridge.exposed.keys()]).toEqual(['desktop']);
    const api = contextBridge.exposed.get('desktop') as Record<string, unknown>;
    const values = (object: Record<string, unknown>): unknown[] =>
      Object.values(object).flatMap((v) => (v && typeof v === 'object' ? [v, ...values(v as Record<string, unknown>)] : [v]));
    expect(values(api)).not.toContain(ipcMain);
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|invoke|send/i);
  });

  it('4. sandboxes every renderer (app.enableSandbox before ready, sandbox: true)', () => {
    expect(sandboxedBeforeReady).toBe(true);
    expect(prefs().sandbox).toBe(true);
  });

  it('5. answers permission requests: media, screen capture and notifications, to our main frame only', async () => {
    for (const permission of ['media', 'display-capture', 'notifications']) expect(await request(permission, 'app://roundtable/index.html')).toBe(true);
    for (const permission of [
      'geolocation',
      'clipboard-read',
      'clipboard-sanitized-write',
      'speaker-selection',
      'midi',
      'hid',
      'usb',
      'serial',
      'openExternal',
    ]) {
      expect(await request(permission, 'app://roundtable/index.html'), permission).toBe(false);
    }
    expect(await request('media', 'app://roundtable/index.html', false)).toBe(false);
    expect(await request('media', 'https://meet.example.org/')).toBe(false);
    expect(await request('media', 'file:///tmp/x.html')).toBe(false);
  });

  it('5. answers permission checks the same way', () => {
    expect(check('media', 'app://roundtable')).toBe(true);
    expect(check('notifications', 'app://roundtable')).toBe(true);
    expect(check('media', 'app://roundtable', false)).toBe(false);
    expect(check('media', 'https://meet.example.org')).toBe(false);
    expect(check('geolocation', 'app://roundtable')).toBe(false);
    expect(check('clipboard-read', 'app://roundtable')).toBe(false);
  });

  it('6. keeps webSecurity on', () => {
    expect(prefs().webSecurity).toBe(true);
  });

  it('7. sends a strict Content-Security-Policy with every app:// response', async () => {
    const page = await fakeProtocol.handlers.get('app')!(new Request('app://roundtable/index.html'));
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(directive('default-src')).toEqual(["'none'"]);
    expect(directive('script-src')).toEqual(["'self'"]);
    expect(directive('object-src')).toEqual(["'none'"]);
    expect(directive('base-uri')).toEqual(["'none'"]);
    expect(directive('frame-src')).toEqual(["'none'"]);
    expect(APP_CSP).not.toMatch(/unsafe-/);
  });

  it('8. never runs insecure content', () => {
    expect(prefs().allowRunningInsecureContent).toBe(false);
  });

  it('9-10. enables no experimental or Blink features', () => {
    expect(prefs().experimentalFeatures).toBe(false);
    expect(prefs()).not.toHaveProperty('enableBlinkFeatures');
  });

  it('11-12. allows no <webview>, in our window or any other contents', () => {
    expect(prefs().webviewTag).toBe(false);
    expect(window.webContents.dispatch('will-attach-webview', {}, {})).toBe(true);
    expect(strayContents().dispatch('will-attach-webview', {}, {})).toBe(true);
  });

  it('13. allows no navigation away from the app, in our window or any other contents', () => {
    for (const contents of [window.webContents, strayContents()]) {
      expect(contents.dispatch('will-navigate', 'https://evil.example/')).toBe(true);
      expect(contents.dispatch('will-navigate', 'file:///etc/passwd')).toBe(true);
      expect(contents.dispatch('will-redirect', 'https://evil.example/')).toBe(true);
      expect(contents.dispatch('will-navigate', 'app://roundtable/index.html?room=x')).toBe(false);
    }
  });

  it('14-15. opens no new windows; web links go to the browser after validation, anything else nowhere', () => {
    const stray = strayContents();
    for (const contents of [window.webContents, stray]) {
      for (const url of [
        'https://example.org/help',
        'javascript:alert(1)',
        'file:///etc/passwd',
        'smb://host/share',
        'https://user:pw@example.org/',
        'app://roundtable/x',
      ]) {
        expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
      }
    }
    expect(shell.openExternal.mock.calls).toEqual([['https://example.org/help'], ['https://example.org/help']]);
  });

  it('17. validates the sender of every IPC message: our main frame, our origin', async () => {
    const channels = [...fakeIpc.handlers.keys()];
    expect(channels.length).toBeGreaterThan(0);
    const refused = { ok: false, error: { code: 'forbidden-sender', message: expect.stringMatching(/untrusted frame/) } };
    for (const channel of channels) {
      expect(await fakeIpc.invokeAs('https://evil.example/', channel, []), channel).toMatchObject(refused);
      expect(await fakeIpc.invokeAs('file:///tmp/x.html', channel, []), channel).toMatchObject(refused);
      expect(await fakeIpc.invokeAs('app://roundtable/index.html', channel, [], { subframe: true }), channel).toMatchObject(refused);
    }
    expect(await fakeIpc.invokeAs('app://roundtable/index.html', 'app:info', [])).toMatchObject({ ok: true, value: { name: 'Roundtable' } });
  });

  it('18. serves the app from app://, registered before ready, never from file://', async () => {
    expect(schemeBeforeReady).toBe(true);
    expect(window.loaded?.startsWith('app://roundtable/')).toBe(true);
    expect((await fakeProtocol.handlers.get('app')!(new Request('app://roundtable/..%2f..%2fetc%2fpasswd'))).status).toBe(404);
  });

  it('19. flips the fuses in the packaged binary (electron-builder.yml)', () => {
    const fuses = readFuses(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));
    for (const [name, value] of Object.entries(REQUIRED_FUSES)) expect(fuses.get(name), name).toBe(String(value));
  });
});
