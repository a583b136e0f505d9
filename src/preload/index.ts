import { contextBridge } from 'electron';
import type { DesktopApi } from '@shared/desktop-api';
import { invoke, subscribe } from './bridge';
import { devicesApi } from './devices';
import { hostingApi, meetingApi } from './hosting';
import { screenApi } from './screen';

/** The typed API the renderer sees as `window.desktop`; never ipcRenderer itself. */
export const desktopApi: DesktopApi = {
  app: {
    info: () => invoke('app:info'),
    openExternal: (url) => invoke('app:open-external', url),
  },
  hosting: hostingApi,
  meeting: meetingApi,
  devices: devicesApi,
  screen: screenApi,
  on: subscribe,
};

contextBridge.exposeInMainWorld('desktop', desktopApi);
