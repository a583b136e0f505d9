import { makeTestMedia } from '../ffmpeg/test-support/media-file';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDING_CHANNELS, type RecordingJob } from '@shared/ipc/recording';
import { unwrap } from '@shared/ipc/result';
import { channelRunners } from '../../ipc/dispatch';
import { locateFfmpeg } from '../ffmpeg/locate';
import { createRecordingHandlers } from './recording-handlers';
import { RecordingService } from './recording-service';
import { ffprobe } from './test-support/ffprobe';

const root = mkdtempSync(join(tmpdir(), 'rt-recording-'));
let webm: Buffer;
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What MediaRecorder makes: a live WebM (VP8 + Opus) with no index, 4 s long. */
beforeAll(() => {
  const path = join(root, 'source.webm');
  makeTestMedia(
    path,
    ['testsrc2=size=320x180:rate=30:duration=4', 'sine=frequency=440:sample_rate=48000:duration=4'],
    ['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '500k', '-c:a', 'libopus', '-live', '1', '-f', 'webm'],
  );
  webm = readFileSync(path);
});

function service(name: string, encoders?: string[]): { service: RecordingService; videos: string; data: string; jobs: RecordingJob[] } {
  const data = join(root, name, 'data');
  const videos = join(root, name, 'Videos');
  const s = new RecordingService({
    dataDir: data,
    outputDir: () => videos,
    locate: () => locateFfmpeg(),
    ...(encoders ? { encoders: async () => new Set(encoders) } : {}),
  });
  const jobs: RecordingJob[] = [];
  s.onJob((job) => jobs.push(job));
  return { service: s, videos, data, jobs };
}

/** Feeds the recording in ~1 s pieces, as MediaRecorder's timeslice does. */
async function feed(s: RecordingService, id: string, bytes: Buffer, pieces = 4): Promise<void> {
  const size = Math.ceil(bytes.length / pieces);
  for (let i = 0; i < pieces; i += 1) await s.append(id, bytes.subarray(i * size, (i + 1) * size), (i + 1) * 1000);
}

describe('recording to a file (real FFmpeg)', () => {
  it('keeps the chunks on disk as they come and makes an H.264/AAC MP4 in the Videos folder, with progress', async () => {
    const { service: s, videos, data, jobs } = service('mp4');
    const { id } = await s.start({ title: 'calm-otter-42', mimeType: 'video/webm;codecs=vp8,opus' });
    await feed(s, id, webm);
    // Everything so far is on disk already.
    expect(readFileSync(join(data, 'recordings', id, 'media.webm')).equals(webm)).toBe(true);
    const saved = await s.stop(id, 4000);
    expect(saved).toMatchObject({ id, phase: 'saved', format: 'mp4', percent: 100 });
    expect(saved.path).toMatch(/Videos\/Roundtable calm-otter-42 \d{4}-\d\d-\d\d \d\d\.\d\d\.mp4$/);
    const probe = await ffprobe(saved.path!);
    expect(probe.streams).toEqual([
      { type: 'video', codec: 'h264' },
      { type: 'audio', codec: 'aac' },
    ]);
    expect(probe.duration).toBeGreaterThan(3.5);
    expect(probe.duration).toBeLessThan(4.6);
    expect(jobs.map((j) => j.phase)).toContain('finalizing');
    expect(jobs.filter((j) => j.phase === 'finalizing').map((j) => j.percent)).toContain(0);
    expect(readdirSync(videos)).toHaveLength(1);
    // The chunks are gone once the file is made.
    expect(existsSync(join(data, 'recordings', id))).toBe(false);
  });

  it('ends the file where the person stopped, though the recorder delivered more after the click', async () => {
    const { service: s } = service('cut');
    const { id } = await s.start({ title: 'cut', mimeType: 'video/webm;codecs=vp8,opus' });
    await feed(s, id, webm);
    const saved = await s.stop(id, 2500);
    const probe = await ffprobe(saved.path!);
    expect(probe.duration).toBeGreaterThan(2.3);
    expect(probe.duration).toBeLessThan(2.7);
  });

  it('a killed app leaves the chunks on disk; the next start turns them into a file (a chunk cut short included)', async () => {
    const first = service('killed');
    const { id } = await first.service.start({ title: 'standup', mimeType: 'video/webm;codecs=vp8,opus' });
    // 70 % of the stream arrived, the last piece cut in the middle of a cluster; then the process died (nothing was stopped or closed).
    await feed(first.service, id, webm.subarray(0, Math.floor(webm.length * 0.7)), 3);
    const next = service('killed');
    const [recovered] = await next.service.recover();
    expect(recovered).toMatchObject({ id, phase: 'saved', format: 'mp4' });
    expect(recovered!.path).toMatch(/Roundtable standup .* \(recovered\)\.mp4$/);
    expect(next.jobs.map((j) => j.phase)).toContain('recovering');
    const probe = await ffprobe(recovered!.path!);
    expect(probe.streams.map((s) => s.type)).toEqual(['video', 'audio']);
    expect(probe.duration).toBeGreaterThan(2);
    expect(probe.duration).toBeLessThan(3.6);
    // Nothing is left to recover a second time.
    expect(await service('killed').service.recover()).toEqual([]);
  });

  it('without H.264 and AAC in the FFmpeg build, saves a WebM (with an index and a duration)', async () => {
    const { service: s } = service('webm', ['libvpx', 'libopus', 'mjpeg']);
    const { id } = await s.start({ title: 'no-h264', mimeType: 'video/webm;codecs=vp8,opus' });
    await feed(s, id, webm);
    const saved = await s.stop(id, 4000);
    expect(saved).toMatchObject({ phase: 'saved', format: 'webm' });
    expect(saved.path).toMatch(/\.webm$/);
    const probe = await ffprobe(saved.path!);
    expect(probe.streams).toEqual([
      { type: 'video', codec: 'vp8' },
      { type: 'audio', codec: 'opus' },
    ]);
    expect(probe.duration).toBeGreaterThan(3.5);
  });

  it('checks every argument that comes from a renderer, and reveals only files it saved', async () => {
    const { service: s } = service('handlers');
    const revealed: string[] = [];
    const runners = channelRunners(
      { recording: RECORDING_CHANNELS },
      createRecordingHandlers(s, (path) => revealed.push(path)),
    );
    const call = (channel: string, ...args: unknown[]) => runners.get(channel)!(args);
    const refused = (code: string, message: RegExp | string) => ({ ok: false, error: { code, message: expect.stringMatching(message) } });
    expect(await call('recording:start', { title: 'x', mimeType: 'video/webm; codecs=vp8,opus -f lavfi' })).toMatchObject(
      refused('invalid-arguments', /recording:start/),
    );
    expect(await call('recording:start', { title: 'x', mimeType: 'video/webm', outputDir: '/etc' })).toMatchObject(
      refused('invalid-arguments', /recording:start/),
    );
    const started = await call('recording:start', { title: 'x', mimeType: 'video/webm;codecs=vp8,opus' });
    const { id } = unwrap(started) as { id: string };
    expect(await call('recording:append', id, 'not bytes', 1)).toMatchObject(refused('invalid-arguments', /recording:append: .*binary data/s));
    expect(await call('recording:append', '../../etc', new Uint8Array(1), 1)).toMatchObject(refused('invalid-arguments', /recording:append/));
    expect(await call('recording:append', id, new Uint8Array(1))).toMatchObject(refused('invalid-arguments', /recording:append/));
    expect(await call('recording:append', 'zzzzzzzz-0000', new Uint8Array(1), 1)).toMatchObject(refused('not-found', /no recording/));
    expect(await call('recording:reveal', id)).toEqual({ ok: false, error: { code: 'not-found', message: 'that recording has no saved file' } });
    expect(await call('recording:append', id, webm, 4000)).toEqual({ ok: true, value: undefined });
    expect(await call('recording:stop', id, 4000)).toMatchObject({ ok: true, value: { phase: 'saved' } });
    expect(await call('recording:reveal', id)).toEqual({ ok: true, value: undefined });
    expect(revealed).toHaveLength(1);
  });
});
