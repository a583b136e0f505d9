import { contextBridge, ipcRenderer } from 'electron';
import type { DesktopApi } from '@shared/desktop-api';
import type { IpcChannel, IpcContract } from '@shared/ipc';

function invoke<C extends IpcChannel>(channel: C, ...args: IpcContract[C]['args']): Promise<IpcContract[C]['result']> {
  return ipcRenderer.invoke(channel, ...args) as Promise<IpcContract[C]['result']>;
}

/** The typed API the renderer sees as `window.desktop`; never ipcRenderer itself. */
export const desktopApi: DesktopApi = {
  appInfo: () => invoke('app:info'),
  openExternal: (url) => invoke('app:open-external', url),
};

contextBridge.exposeInMainWorld('desktop', desktopApi);
