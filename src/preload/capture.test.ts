import type { MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CAPTURE_OPEN_CHANNEL, CAPTURE_PORT_MESSAGE } from '@shared/ipc/capture';
import { ipcRenderer } from '../../tests/fakes/electron';
import { openCapture } from './capture';

const page = globalThis as unknown as { postMessage?: unknown; location?: unknown };
afterEach(() => {
  delete page.postMessage;
  delete page.location;
});

describe('the preload capture section', () => {
  it('opens a capture by sending one end of a new MessageChannel to main and handing the other to the page', async () => {
    const posted = vi.fn();
    page.postMessage = posted;
    page.location = { origin: 'app://roundtable' };
    const request = { source: { kind: 'test' as const, tone: 440 }, media: 'video' as const };
    const opened = await openCapture(request);
    if (!opened.ok) throw new Error('not opened');
    const id = opened.value;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [channel, message, transfer] = ipcRenderer.postMessage.mock.calls.at(-1)!;
    expect([channel, message]).toEqual([CAPTURE_OPEN_CHANNEL, { id, request }]);
    const [data, origin, ports] = posted.mock.calls[0]!;
    expect([data, origin]).toEqual([{ type: CAPTURE_PORT_MESSAGE, id }, 'app://roundtable']);
    // The two ends are one channel: what main's end sends, the page's end receives.
    const [mainEnd] = transfer as MessagePort[];
    const [pageEnd] = ports as MessagePort[];
    const received = new Promise((resolve) => pageEnd!.once('message', (data: unknown) => resolve(data)));
    pageEnd!.start();
    mainEnd!.postMessage({ type: 'started', media: 'video' });
    expect(await received).toEqual({ type: 'started', media: 'video' });
    mainEnd!.close();
    pageEnd!.close();
  });
});
