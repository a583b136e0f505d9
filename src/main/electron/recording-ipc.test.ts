import { makeTestMedia } from '../services/ffmpeg/test-support/media-file';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordingJob } from '@shared/ipc/recording';
import { BrowserWindow, Notification, shell } from '../../../tests/fakes/electron';
import { locateFfmpeg } from '../services/ffmpeg/locate';
import { RecordingService } from '../services/recording';
import { installRecording } from './recording-ipc';

const root = mkdtempSync(join(tmpdir(), 'rt-recording-ipc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('recording in the Electron shell', () => {
  it('finishes what a crash left at start-up, shows progress in the task bar and the window, says where the file went, and reveals it', async () => {
    const data = join(root, 'data');
    const videos = join(root, 'Videos');
    // What a killed app left: chunks and their note, still "recording".
    const dir = join(data, 'recordings', 'mx1abc-00000001');
    mkdirSync(dir, { recursive: true });
    makeTestMedia(join(dir, 'media.webm'), ['testsrc2=size=160x90:rate=30:duration=2', 'sine=duration=2'], ['-c:v', 'libvpx', '-c:a', 'libopus', '-f', 'webm']);
    writeFileSync(
      join(dir, 'meta.json'),
      JSON.stringify({
        version: 1,
        id: 'mx1abc-00000001',
        title: 'weekly',
        mimeType: 'video/webm',
        startedAt: Date.now() - 2000,
        elapsedMs: 2000,
        state: 'recording',
        error: null,
      }),
    );
    const window = new BrowserWindow({});
    window.webContents.url = 'app://roundtable/index.html';
    const progress: number[] = [];
    const setProgressBar = window.setProgressBar.bind(window);
    window.setProgressBar = (value: number) => (progress.push(value), setProgressBar(value));

    const service = new RecordingService({ dataDir: data, outputDir: () => videos, locate: () => locateFfmpeg() });
    const recording = installRecording(service);
    await recording.recover();

    const sent = window.webContents.send.mock.calls.filter(([channel]) => channel === 'recording:job').map(([, job]) => job as RecordingJob);
    expect(sent[0]).toMatchObject({ id: 'mx1abc-00000001', phase: 'recovering', percent: 0 });
    const saved = sent.at(-1)!;
    expect(saved).toMatchObject({ phase: 'saved', format: 'mp4' });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(-1);
    expect(Notification.shown.at(-1)).toEqual({ title: 'A recording interrupted by a crash was recovered', body: `Saved to ${saved.path}` });
    expect(readFileSync(saved.path!).subarray(4, 8).toString()).toBe('ftyp');

    recording.handlers['recording:reveal'](saved.id);
    expect(shell.showItemInFolder).toHaveBeenCalledWith(saved.path);
    window.close();
  });
});
