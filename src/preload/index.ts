import { contextBridge } from 'electron';
import type { DesktopBridge } from '@shared/desktop-api';
import { DESKTOP_CHANNELS } from '@shared/ipc';
import { bridgeSections, subscribe } from './bridge';
import { openCapture } from './capture';

const sections = bridgeSections(DESKTOP_CHANNELS);

/**
 * `window.desktop`: one method per channel, made from the channel definitions, each resolving with
 * main's result envelope (the renderer's platform/ turns an error envelope into a DesktopError);
 * never ipcRenderer itself.
 */
export const desktopApi: DesktopBridge = {
  ...sections,
  capture: { ...sections.capture, open: openCapture },
  on: subscribe,
};

contextBridge.exposeInMainWorld('desktop', desktopApi);
