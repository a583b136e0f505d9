import { ipcRenderer } from 'electron';
import { CAPTURE_OPEN_CHANNEL, CAPTURE_PORT_MESSAGE, type CaptureRequest } from '@shared/ipc/capture';
import { succeeded, type IpcResult } from '@shared/ipc/result';

/** The preload runs in the page's window (typed for Node here: no DOM lib in this build). */
interface PageWindow {
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
  location: { origin: string };
}

/**
 * `window.desktop.capture.open`. A capture's frames travel on a MessagePort of their own: the
 * preload makes the channel, sends one end to main with the request, and hands the other to the
 * page with window.postMessage (the contextBridge cannot carry ports). Main validates the request
 * and answers a refusal on the port.
 */
export async function openCapture(request: CaptureRequest): Promise<IpcResult<string>> {
  const id = crypto.randomUUID();
  const { port1, port2 } = new MessageChannel();
  ipcRenderer.postMessage(CAPTURE_OPEN_CHANNEL, { id, request }, [port1]);
  // To this very window (its own origin): the page's platform/ layer picks the port up by id.
  const page = globalThis as unknown as PageWindow;
  page.postMessage({ type: CAPTURE_PORT_MESSAGE, id }, page.location.origin === 'null' ? '*' : page.location.origin, [port2]);
  return succeeded(id);
}
