import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import { appIpcHandlers } from './app-ipc';
import { captureIpcHandlers, installCapturePorts } from './capture-ipc';
import { createCapture, type CaptureServices } from '../services/capture';
import { createRecording, type RecordingService } from '../services/recording';
import { installRecording } from './recording-ipc';
import { appMenuTemplate } from './app-menu';
import { deviceMenuActions, deviceMenuTemplate } from './device-menu';
import { followDeviceChanges } from './device-menu-wiring';
import { devicesIpcHandlers } from './devices-ipc';
import { browserOnlyCatalogue, type DeviceCatalogue } from '../services/devices';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { defaultHostingServices, installHosting, type HostingShellServices } from './hosting-ipc';
import { DESKTOP_CHANNELS } from '@shared/ipc';
import { registerChannels, sendToRenderer } from './ipc';
import { lockDownContents, lockDownSession } from './security';
import { createScreenPicker, installDisplayMediaHandler, screenIpcHandlers } from './screen-share';
import { createMainWindow } from './window';
import { rendererDevServerUrl } from './dev-server';
import { languageFile, LanguageSettings } from '../services/settings/language';
import { desktopText } from '../text/desktop-text';
import { settingsIpcHandlers } from './settings-ipc';
import { createRecordsHandlers, hostingStoreRecords, RecordsService } from '../services/records/records-service';

/** The system's languages, most preferred first: the OS's list, then Chromium's locale. */
function systemLanguages(): string[] {
  return [...app.getPreferredSystemLanguages(), app.getLocale()].filter(Boolean);
}

/** The services the composition root hands in (each has an Electron-free default for tests). */
export interface ShellServices {
  devices?: DeviceCatalogue;
  capture?: CaptureServices;
  recording?: RecordingService;
  hosting?: HostingShellServices;
  language?: LanguageSettings;
}

export interface ShellPaths {
  preload: string;
  renderer: string;
  icon?: string;
}

/**
 * The whole Electron side of the app: window, menu, IPC, permissions. Everything it does with
 * data is delegated to services handed in by the composition root.
 */
export function startShell(paths: ShellPaths, services: ShellServices = {}): void {
  // Never in a packaged build: see rendererDevServerUrl.
  const devServerUrl = rendererDevServerUrl();
  registerAppScheme();
  app.enableSandbox();
  const devices = services.devices ?? browserOnlyCatalogue();
  const capture = services.capture ?? createCapture({ dataDir: app.getPath('userData'), catalogue: devices });
  const recordingService = services.recording ?? createRecording({ dataDir: app.getPath('userData'), videosDir: () => app.getPath('videos') });
  const hostingServices = services.hosting ?? defaultHostingServices(app.getPath('userData'), paths.renderer);
  // Menus, tray, notifications and dialogs speak the chosen language, or the system's.
  const language = services.language ?? new LanguageSettings(languageFile(app.getPath('userData')), systemLanguages);
  const text = () => desktopText(language.language);

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, devServerUrl));

  void app.whenReady().then(() => {
    lockDownSession(session.defaultSession, devServerUrl);
    serveRenderer(paths.renderer);
    const screenPicker = createScreenPicker();
    installDisplayMediaHandler(session.defaultSession, screenPicker, devServerUrl);

    const showWindow = (): void => {
      const [window] = BrowserWindow.getAllWindows();
      if (!window) return void open();
      window.show();
      window.focus();
    };
    const recording = installRecording(recordingService, devServerUrl, text);
    const hosting = installHosting(hostingServices, { ...(devServerUrl ? { devServerUrl } : {}), showWindow, text });

    // Each feature contributes the handlers of its own channels; every channel must have one.
    const handlers = {
      ...appIpcHandlers(),
      ...devicesIpcHandlers(devices),
      ...hosting.handlers,
      ...screenIpcHandlers(screenPicker),
      ...captureIpcHandlers(capture, text),
      ...recording.handlers,
      ...settingsIpcHandlers(language),
      // Past meetings of the built-in server, read from its store while it does not run.
      ...createRecordsHandlers(
        new RecordsService({ open: hostingStoreRecords(app.getPath('userData')), hosting: () => hostingServices.hosting.status().state !== 'idle' }),
      ),
    };
    registerChannels(DESKTOP_CHANNELS, handlers, devServerUrl);
    installCapturePorts(capture, devServerUrl);
    void capture.sources.load();
    // Recordings a crash or a kill left behind become files now (progress in the task bar).
    void recording.recover();

    const buildMenu = (): void => {
      const t = text();
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          appMenuTemplate(
            process.platform,
            {
              quit: () => app.quit(),
              showAbout: () => void dialog.showMessageBox({ message: `Roundtable ${app.getVersion()}`, detail: text()('menu.aboutDetail') }),
            },
            [deviceMenuTemplate(devices.snapshot(), deviceMenuActions(devices), t)],
            t,
          ),
        ),
      );
    };
    buildMenu();
    followDeviceChanges(devices, buildMenu, devServerUrl);
    // A new language (chosen in a window, or the kept choice read at start) redraws what main shows, and every window follows.
    language.onChange((state) => {
      buildMenu();
      hosting.tray.update({});
      sendToRenderer('settings:language-changed', state, devServerUrl);
    });
    void language.load();
    void devices.start();

    const open = (): BrowserWindow => {
      const window = createMainWindow({
        preload: paths.preload,
        ...(paths.icon ? { icon: paths.icon } : {}),
        ...(devServerUrl ? { devServerUrl } : {}),
        hideOnClose: hosting.hideOnClose,
      });
      window.on('closed', hosting.rendererGone);
      window.webContents.on('render-process-gone', hosting.rendererGone);
      return window;
    };
    open();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open();
    });
  });

  app.on('will-quit', () => {
    capture.service.stopAll();
    devices.dispose();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
