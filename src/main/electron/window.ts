import { BrowserWindow, type WebPreferences } from 'electron';
import { APP_ENTRY } from './app-origin';
import { lockDownContents } from './security';

/** Electron's security checklist, as webPreferences: every renderer we create uses exactly these. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export interface MainWindowOptions {
  preload: string;
  icon?: string;
  devServerUrl?: string;
  /** Asked when the window is closed: true hides it instead (a meeting goes on in the tray). */
  hideOnClose?: () => boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 480,
    minHeight: 360,
    title: 'Roundtable',
    backgroundColor: '#0f1115',
    show: false,
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: secureWebPreferences(options.preload),
  });
  lockDownContents(window.webContents, options.devServerUrl);
  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (!options.hideOnClose?.()) return;
    event.preventDefault();
    window.hide();
  });
  void window.loadURL(options.devServerUrl ?? APP_ENTRY);
  return window;
}
