import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import { appIpcHandlers } from './app-ipc';
import { appMenuTemplate } from './app-menu';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { registerIpc, type IpcHandlers } from './ipc';
import { lockDownContents, lockDownSession } from './security';
import { createMainWindow } from './window';

export interface ShellPaths {
  preload: string;
  renderer: string;
  icon?: string;
}

/**
 * The whole Electron side of the app: window, menu, IPC, permissions. Everything it does with
 * data is delegated to services handed in by the composition root.
 */
export function startShell(paths: ShellPaths): void {
  const devServerUrl = process.env.ELECTRON_RENDERER_URL;
  registerAppScheme();
  app.enableSandbox();

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, devServerUrl));

  void app.whenReady().then(() => {
    lockDownSession(session.defaultSession, devServerUrl);
    serveRenderer(paths.renderer);

    // Each feature contributes the handlers of its own channels.
    const handlers: IpcHandlers = { ...appIpcHandlers() };
    registerIpc(handlers, devServerUrl);

    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate(process.platform, {
          quit: () => app.quit(),
          showAbout: () => void dialog.showMessageBox({ message: `Roundtable ${app.getVersion()}`, detail: 'Meet on your own network.' }),
        }),
      ),
    );

    const open = (): BrowserWindow =>
      createMainWindow({ preload: paths.preload, ...(paths.icon ? { icon: paths.icon } : {}), ...(devServerUrl ? { devServerUrl } : {}) });
    open();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
