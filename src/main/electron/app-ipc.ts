import { app } from 'electron';
import type { APP_CHANNELS } from '@shared/ipc/app';
import type { SectionHandlers } from '@shared/ipc/contract';
import { DesktopError } from '@shared/ipc/result';
import { openExternalSafely } from './security';

/** IPC handlers of the app itself (their arguments are validated before they run). */
export function appIpcHandlers(): SectionHandlers<typeof APP_CHANNELS> {
  return {
    'app:info': () => ({ name: app.getName(), version: app.getVersion(), platform: process.platform }),
    'app:open-external': (url) => {
      if (!openExternalSafely(url)) throw new DesktopError('invalid-arguments', 'only http(s) links can be opened');
    },
  };
}
