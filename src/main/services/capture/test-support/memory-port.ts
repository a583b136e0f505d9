import { decodeFrameHeader, FRAME_HEADER_BYTES, type CaptureControl, type FrameHeader } from '@shared/ipc/capture';
import type { CapturePort } from '../service';

/** A CapturePort that keeps what main posted, for tests; `reply` plays the renderer. */
export interface MemoryPort extends CapturePort {
  frames: Array<{ header: FrameHeader; payload: Uint8Array }>;
  controls: CaptureControl[];
  closed: boolean;
  reply(data: unknown): void;
  /** The other end goes away. */
  hangUp(): void;
  ended: Promise<Extract<CaptureControl, { type: 'ended' }>>;
}

export function memoryPort(options: { autoAck?: boolean } = {}): MemoryPort {
  const listeners: Array<(data: unknown) => void> = [];
  const closeListeners: Array<() => void> = [];
  let endedResolve!: (message: Extract<CaptureControl, { type: 'ended' }>) => void;
  const port: MemoryPort = {
    frames: [],
    controls: [],
    closed: false,
    ended: new Promise((resolve) => (endedResolve = resolve)),
    post(message) {
      if (message instanceof Uint8Array) {
        const header = decodeFrameHeader(new DataView(message.buffer, message.byteOffset, message.byteLength));
        if (!header) throw new Error('not a frame');
        port.frames.push({ header, payload: message.subarray(FRAME_HEADER_BYTES) });
        if (options.autoAck) queueMicrotask(() => port.reply({ type: 'ack', seq: header.seq }));
        return;
      }
      port.controls.push(message);
      if (message.type === 'ended') endedResolve(message);
    },
    onMessage: (listener) => void listeners.push(listener),
    onClose: (listener) => void closeListeners.push(listener),
    close: () => void (port.closed = true),
    reply: (data) => listeners.forEach((listener) => listener(data)),
    hangUp: () => closeListeners.forEach((listener) => listener()),
  };
  return port;
}
