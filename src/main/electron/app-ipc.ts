import { app } from 'electron';
import type { AppChannels } from '@shared/ipc/app';
import type { IpcHandlers } from './ipc';
import { openExternalSafely } from './security';

/** IPC handlers of the app itself. Arguments come from a renderer and are checked here. */
export function appIpcHandlers(): Pick<IpcHandlers, keyof AppChannels> {
  return {
    'app:info': () => ({ name: app.getName(), version: app.getVersion(), platform: process.platform }),
    'app:open-external': (url: unknown) => {
      if (typeof url !== 'string' || !openExternalSafely(url)) throw new Error('only http(s) links can be opened');
    },
  };
}
