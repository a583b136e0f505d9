import { z } from 'zod';
import { type SfuEvent } from '../control.js';

/**
 * The SFU process's channel to the server that started it: Electron's `process.parentPort` in a
 * utilityProcess, or Node's IPC channel (`process.send`) in a forked child. Nothing here imports
 * Electron; the port is found by its shape.
 */
export interface ParentPort {
  send(event: SfuEvent): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The channel closed (Node's `disconnect`); Electron ends a utility process with its parent. */
  onClose(listener: () => void): void;
}

const ElectronParentPortSchema = z.custom<{ on(event: 'message', listener: (event: unknown) => void): unknown; postMessage(message: unknown): void }>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).on === 'function' &&
    typeof (value as Record<string, unknown>).postMessage === 'function',
);
const MessageEventSchema = z.object({ data: z.unknown() });

export function openParentPort(): ParentPort {
  const electron = ElectronParentPortSchema.safeParse(Reflect.get(process, 'parentPort'));
  if (electron.success) {
    const port = electron.data;
    return {
      send: (event) => port.postMessage(event),
      onMessage: (listener) => {
        port.on('message', (event) => {
          const parsed = MessageEventSchema.safeParse(event);
          listener(parsed.success ? parsed.data.data : undefined);
        });
      },
      onClose: () => undefined,
    };
  }
  if (typeof process.send === 'function') {
    return {
      send: (event) => {
        if (process.connected) process.send?.(event);
      },
      onMessage: (listener) => {
        process.on('message', (message: unknown) => listener(message));
      },
      onClose: (listener) => {
        // A server that stopped while this process was still loading closed the channel before
        // anyone listened: there is no 'disconnect' to come (the process would live on, orphaned).
        if (!process.connected) return void setImmediate(listener);
        process.once('disconnect', listener);
      },
    };
  }
  throw new Error('the SFU runs as a child process or an Electron utility process, with an IPC channel to its server');
}
