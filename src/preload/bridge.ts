import { ipcRenderer, type IpcRendererEvent } from 'electron';
import type { IpcChannel, IpcContract, IpcEventName, IpcEvents } from '@shared/ipc';

/** A typed request to the main process. */
export function invoke<C extends IpcChannel>(channel: C, ...args: IpcContract[C]['args']): Promise<IpcContract[C]['result']> {
  return ipcRenderer.invoke(channel, ...args) as Promise<IpcContract[C]['result']>;
}

/** A typed subscription to an event from the main process; the Electron event object never leaks. */
export function subscribe<E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, payload: IpcEvents[E]): void => listener(payload);
  ipcRenderer.on(event, wrapped);
  return () => void ipcRenderer.removeListener(event, wrapped);
}
