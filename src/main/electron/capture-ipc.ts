import { dialog, ipcMain, type IpcMainEvent, type MessagePortMain } from 'electron';
import { CAPTURE_OPEN_CHANNEL, CaptureOpenSchema } from '@shared/ipc/capture';
import type { CaptureServices } from '../services/capture';
import { createCaptureHandlers, type CaptureHandlers } from '../services/capture/capture-handlers';
import type { CapturePort } from '../services/capture/service';
import { validate } from '../ipc/validate';
import { isTrustedSender } from './ipc';
import { englishText, type Translate } from '../text/desktop-text';

/** An Electron MessagePortMain as a capture's channel: frames go out as Uint8Arrays (one copy, into the message). */
export function portFromMessagePortMain(port: MessagePortMain): CapturePort {
  let closed = false;
  const capture: CapturePort = {
    post: (message) => {
      if (closed) return;
      try {
        port.postMessage(message);
      } catch {
        // The other end is gone; its 'close' event ends the capture.
      }
    },
    onMessage: (listener) => void port.on('message', (event) => listener(event.data)),
    onClose: (listener) =>
      void port.on('close', () => {
        closed = true;
        listener();
      }),
    close: () => {
      if (closed) return;
      closed = true;
      port.close();
    },
  };
  port.start();
  return capture;
}

/**
 * Captures start over `ipcRenderer.postMessage(CAPTURE_OPEN_CHANNEL, { id, request }, [port])`:
 * the port is the capture's frame channel. Only our own renderer's main frame may open one; the
 * request is validated by the capture service, which answers a refusal on the port.
 */
export function installCapturePorts(capture: CaptureServices, devServerUrl?: string): () => void {
  const listener = (event: IpcMainEvent, payload: unknown): void => {
    const [port] = event.ports;
    if (!port) return;
    const channel = portFromMessagePortMain(port);
    if (!isTrustedSender(event, devServerUrl)) {
      channel.post({ type: 'ended', reason: 'Refused: not the app window.', error: true });
      channel.close();
      return;
    }
    let open;
    try {
      open = validate(CaptureOpenSchema, payload, CAPTURE_OPEN_CHANNEL);
    } catch {
      channel.post({ type: 'ended', reason: 'Refused: not a capture request.', error: true });
      channel.close();
      return;
    }
    void capture.service.open(open.id, open.request, channel);
  };
  ipcMain.on(CAPTURE_OPEN_CHANNEL, listener);
  return () => void ipcMain.removeListener(CAPTURE_OPEN_CHANNEL, listener);
}

/** The request/response channels of capture: added sources and the file picker. */
export function captureIpcHandlers(capture: CaptureServices, text: () => Translate = () => englishText): CaptureHandlers {
  return createCaptureHandlers(capture.sources, async () => {
    const t = text();
    const result = await dialog.showOpenDialog({
      title: t('dialogs.addSourceTitle'),
      properties: ['openFile'],
      filters: [
        { name: t('dialogs.videoAndSound'), extensions: ['mp4', 'mkv', 'webm', 'mov', 'avi', 'ts', 'm4v', 'mp3', 'wav', 'ogg', 'flac', 'm4a', 'opus'] },
        { name: t('dialogs.allFiles'), extensions: ['*'] },
      ],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
}
