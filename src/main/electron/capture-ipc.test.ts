import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CAPTURE_CHANNELS, CAPTURE_OPEN_CHANNEL } from '@shared/ipc/capture';
import { dialog, FakeMessagePortMain, ipcMain } from '../../../tests/fakes/electron';
import { createCapture } from '../services/capture';
import { browserOnlyCatalogue } from '../services/devices';
import { channelRunners } from '../ipc/dispatch';
import { captureIpcHandlers, installCapturePorts } from './capture-ipc';

const APP = 'app://roundtable/index.html';
const capture = createCapture({ dataDir: mkdtempSync(join(tmpdir(), 'rt-capture-ipc-')), catalogue: browserOnlyCatalogue('linux') });
let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  capture.service.stopAll();
});

describe('capture in the Electron shell', () => {
  it('starts a capture from a port the app window posts, and streams frames on it', async () => {
    uninstall = installCapturePorts(capture);
    const port = new FakeMessagePortMain();
    ipcMain.postMessageAs(APP, CAPTURE_OPEN_CHANNEL, { id: 'capture-0001', request: { source: { kind: 'test', tone: 440 }, media: 'audio' } }, [port]);
    expect(port.started).toBe(true);
    await vi.waitFor(() => expect(port.posted.filter((m) => m instanceof Uint8Array).length).toBeGreaterThan(2), { timeout: 10_000 });
    expect(port.posted[0]).toEqual({ type: 'started', media: 'audio' });
    // The renderer's end went away: FFmpeg stops.
    port.close();
    await vi.waitFor(() => expect(capture.service.list()).toEqual([]));
  });

  it('refuses a port from another frame or origin, or a malformed request, on that port, and starts nothing', () => {
    uninstall = installCapturePorts(capture);
    const request = { id: 'capture-0002', request: { source: { kind: 'test', tone: 440 }, media: 'video' } };
    const foreign = new FakeMessagePortMain();
    ipcMain.postMessageAs('https://evil.example/', CAPTURE_OPEN_CHANNEL, request, [foreign]);
    expect(foreign.posted).toEqual([{ type: 'ended', reason: 'Refused: not the app window.', error: true }]);
    expect(foreign.closed).toBe(true);
    const subframe = new FakeMessagePortMain();
    ipcMain.postMessageAs(APP, CAPTURE_OPEN_CHANNEL, request, [subframe], { subframe: true });
    expect(subframe.closed).toBe(true);
    const malformed = new FakeMessagePortMain();
    ipcMain.postMessageAs(APP, CAPTURE_OPEN_CHANNEL, { id: '../x', request: {} }, [malformed]);
    expect(malformed.posted).toEqual([{ type: 'ended', reason: 'Refused: not a capture request.', error: true }]);
    expect(capture.service.list()).toEqual([]);
  });

  it('offers a file picker for "Add a source…" and validates source ids', async () => {
    const handlers = captureIpcHandlers(capture);
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/ada/clip.mp4'] });
    expect(await handlers['capture:choose-file']()).toBe('/home/ada/clip.mp4');
    expect(await handlers['capture:choose-file']()).toBeNull();
    const call = (channel: string, ...args: unknown[]) => channelRunners({ capture: CAPTURE_CHANNELS }, handlers).get(channel)!(args);
    expect(await call('capture:remove-source', '../../etc')).toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments', message: expect.stringMatching(/^capture:remove-source: /) },
    });
    expect(await call('capture:add-source', { input: 'ftp://example.org/x' })).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringMatching(/Only rtsp:\/\//) },
    });
  });
});
