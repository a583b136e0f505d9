import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { IpcEventName, IpcEvents } from '@shared/ipc';
import type { Handlers, Sections } from '@shared/ipc/contract';
import { channelRunners, forbiddenSender } from '../ipc/dispatch';
import { isAppUrl } from './app-origin';

/** Only our own renderer's main frame may call the main process. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, devServerUrl?: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url, devServerUrl);
}

/**
 * Registers every channel of `sections` with its handler (typed from the channel's definition).
 * Each call: the sender is checked first (another frame or origin gets 'forbidden-sender' and
 * nothing runs), then the arguments are validated against the channel's schema ('invalid-arguments',
 * the handler not called), then the handler runs and its result is checked. The renderer always
 * gets an envelope, `{ ok: true, value }` or `{ ok: false, error: { code, message, details? } }`:
 * nothing is thrown across the bridge.
 */
export function registerChannels<D extends Sections>(sections: D, handlers: NoInfer<Handlers<D>>, devServerUrl?: string): void {
  for (const [channel, run] of channelRunners(sections, handlers)) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, devServerUrl)) return forbiddenSender(channel);
      return run(args);
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
