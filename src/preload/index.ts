import { contextBridge } from 'electron';
import type { DesktopApi } from '@shared/desktop-api';
import { invoke, subscribe } from './bridge';
import { captureApi } from './capture';
import { recordingApi } from './recording';
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
  capture: captureApi,
  recording: recordingApi,
  screen: screenApi,
  on: subscribe,
};

contextBridge.exposeInMainWorld('desktop', desktopApi);
