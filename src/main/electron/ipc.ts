import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { IpcChannel, IpcContract, IpcEventName, IpcEvents } from '@shared/ipc';
import { isAppUrl } from './app-origin';

/** One handler per channel; a feature provides a `Pick` of this for its own channels. */
export type IpcHandlers = { [C in IpcChannel]: (...args: IpcContract[C]['args']) => Promise<IpcContract[C]['result']> | IpcContract[C]['result'] };

/** Only our own renderer's main frame may call the main process. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, devServerUrl?: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url, devServerUrl);
}

/**
 * Registers one handler per channel. Arguments are validated by each handler (they come from a
 * renderer); calls from any other frame or origin are refused before a handler runs.
 */
export function registerIpc(handlers: IpcHandlers, devServerUrl?: string): void {
  for (const channel of Object.keys(handlers) as IpcChannel[]) {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, devServerUrl)) throw new Error(`refused "${channel}" from an untrusted frame`);
      const handler = handlers[channel] as (...a: unknown[]) => unknown;
      return handler(...args);
    });
  }
}

/** Pushes a typed event to every window showing our renderer. */
export function sendToRenderer<E extends IpcEventName>(event: E, payload: IpcEvents[E], devServerUrl?: string): void {
  for (const window of BrowserWindow.getAllWindows()) {
    const contents = window.webContents;
    if (isAppUrl(contents.getURL(), devServerUrl)) contents.send(event, payload);
  }
}
