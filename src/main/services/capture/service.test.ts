import { makeTestMedia } from '../ffmpeg/test-support/media-file';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '@shared/ipc/devices';
import { locateFfmpeg } from '../ffmpeg/locate';
import { CaptureService } from './service';
import { startHttpStream } from './test-support/http-stream';
import { memoryPort } from './test-support/memory-port';

const NO_DEVICES: DeviceSnapshot = {
  entries: { camera: [], microphone: [], speaker: [] },
  selected: { camera: null, microphone: null, speaker: null },
  ffmpeg: { state: 'ok', problem: null, message: null, source: 'fresh', listedAt: 1 },
};
const SMALL = { width: 160, height: 90, frameRate: 30 };
const dir = mkdtempSync(join(tmpdir(), 'rt-capture-'));
let service: CaptureService;

beforeAll(() => {
  service = new CaptureService({ locate: () => locateFfmpeg(), devices: () => NO_DEVICES, stallMs: 2_000, startMs: 8_000 });
});
afterAll(() => {
  service.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Average of the Y plane of an I420 frame, and of its U and V planes. */
function yuvMeans(payload: Uint8Array, width: number, height: number): [number, number, number] {
  const ySize = width * height;
  const cSize = ySize / 4;
  const mean = (from: number, size: number) => payload.subarray(from, from + size).reduce((a, b) => a + b, 0) / size;
  return [mean(0, ySize), mean(ySize, cSize), mean(ySize + cSize, cSize)];
}

describe('capturing through FFmpeg (real FFmpeg)', () => {
  it('streams raw I420 frames of the asked size, each stamped with its sequence number and when main had it', async () => {
    const port = memoryPort({ autoAck: true });
    const before = Date.now();
    await service.open('test-video-1', { source: { kind: 'test', tone: 440 }, media: 'video', video: SMALL }, port);
    await expect.poll(() => port.frames.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
    expect(port.controls[0]).toEqual({ type: 'started', media: 'video' });
    const [first, second] = port.frames;
    expect(first!.header).toMatchObject({ media: 'video', seq: 0, width: 160, height: 90, dropped: 0 });
    expect(first!.payload.byteLength).toBe((160 * 90 * 3) / 2);
    expect(second!.header.seq).toBe(1);
    expect(second!.header.timestamp - first!.header.timestamp).toBeCloseTo(1e6 / 30, 0);
    expect(first!.header.emittedAt).toBeGreaterThanOrEqual(before);
    port.reply({ type: 'stop' });
    expect(await port.ended).toEqual({ type: 'ended', reason: 'Stopped.', error: false });
    expect(port.closed).toBe(true);
  });

  it('never queues: while the renderer takes nothing, one frame is in flight and newer ones replace the waiting one', async () => {
    const port = memoryPort();
    await service.open('test-video-2', { source: { kind: 'test', tone: 440 }, media: 'video', video: SMALL }, port);
    await expect.poll(() => service.list().find((c) => c.id === 'test-video-2')?.stats.frames ?? 0, { timeout: 10_000 }).toBeGreaterThan(12);
    expect(port.frames.map((f) => f.header.seq)).toEqual([0]);
    const stats = service.list().find((c) => c.id === 'test-video-2')!.stats;
    expect(stats.dropped).toBeGreaterThan(8);
    // Taking one lets the newest waiting frame through, not the oldest.
    port.reply({ type: 'ack', seq: 0 });
    const second = port.frames[1]!;
    expect(second.header.seq).toBeGreaterThan(stats.frames - 3);
    expect(second.header.dropped).toBeGreaterThan(8);
    port.hangUp();
    expect((await port.ended).error).toBe(false);
  });

  it('streams the sound as 10 ms chunks of 48 kHz float PCM (a 1 kHz tone crosses zero 20 times per chunk)', async () => {
    const port = memoryPort({ autoAck: true });
    await service.open('test-audio', { source: { kind: 'test', tone: 1000 }, media: 'audio' }, port);
    await expect.poll(() => port.frames.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(20);
    const chunk = port.frames[10]!;
    expect(chunk.header).toMatchObject({ media: 'audio', width: 48_000, height: 480, channels: 1 });
    const samples = new Float32Array(chunk.payload.slice().buffer);
    expect(samples).toHaveLength(480);
    let crossings = 0;
    for (let i = 1; i < samples.length; i += 1) if (Math.sign(samples[i]!) !== Math.sign(samples[i - 1]!)) crossings += 1;
    expect(crossings).toBeGreaterThanOrEqual(19);
    expect(crossings).toBeLessThanOrEqual(21);
    port.reply({ type: 'stop' });
    await port.ended;
  });

  it('plays a file (scaled into the asked size, in a loop) and an HTTP stream; a stream that dies is reported', async () => {
    const file = join(dir, 'blue.mp4');
    makeTestMedia(file, ['color=c=0x2040e0:size=320x240:rate=10:duration=1'], ['-pix_fmt', 'yuv420p']);
    const fromFile = memoryPort({ autoAck: true });
    await service.open('file', { source: { kind: 'file', path: file }, media: 'video', video: SMALL }, fromFile);
    // One second of file at 30 fps: past 40 frames it looped.
    await expect.poll(() => fromFile.frames.length, { timeout: 10_000 }).toBeGreaterThan(40);
    const [y, u, v] = yuvMeans(fromFile.frames.at(-1)!.payload, 160, 90);
    expect(v).toBeLessThan(128);
    expect(u).toBeGreaterThan(180);
    expect(y).toBeLessThan(100);
    fromFile.reply({ type: 'stop' });
    await fromFile.ended;

    const stream = await startHttpStream({ video: 'color=c=0xe02020:size=320x180:rate=30' });
    const port = memoryPort({ autoAck: true });
    await service.open('http', { source: { kind: 'url', url: stream.url }, media: 'video', video: SMALL }, port);
    await expect.poll(() => port.frames.length, { timeout: 15_000 }).toBeGreaterThan(10);
    expect(yuvMeans(port.frames.at(-1)!.payload, 160, 90)[2]).toBeGreaterThan(200);
    await stream.close();
    const ended = await port.ended;
    expect(ended.type).toBe('ended');
    expect(ended.reason).toMatch(/ended|stopped|error|end of file/i);
  });

  it('tells why a source cannot be opened, and starts nothing for a request it refuses', async () => {
    const refused = memoryPort();
    await service.open('unknown', { source: { kind: 'device', backend: 'v4l2', id: '/dev/video9' }, media: 'video' }, refused);
    expect(await refused.ended).toEqual({ type: 'ended', reason: 'FFmpeg does not list a camera "/dev/video9" (v4l2).', error: true });
    const injected = memoryPort();
    await service.open('bad', { source: { kind: 'url', url: 'concat:/etc/passwd' }, media: 'video' }, injected);
    expect((await injected.ended).reason).toMatch(/^This source cannot be opened: .*rtsp:\/\/, rtsps:\/\/, http:\/\/ and https:\/\//s);
    const missing = memoryPort();
    await service.open('missing', { source: { kind: 'file', path: join(dir, 'nope.mp4') }, media: 'video' }, missing);
    expect((await missing.ended).reason).toBe(`There is no file at ${join(dir, 'nope.mp4')}.`);
    expect(service.list().map((c) => c.id)).not.toContain('missing');

    const refusedConnection = memoryPort();
    await service.open('closed-port', { source: { kind: 'url', url: 'http://127.0.0.1:9/live.ts' }, media: 'video' }, refusedConnection);
    expect(await refusedConnection.ended).toEqual({ type: 'ended', reason: expect.stringMatching(/Connection refused/), error: true });
    expect(refusedConnection.frames).toHaveLength(0);

    const silent = memoryPort();
    const file = join(dir, 'silent.mp4');
    makeTestMedia(file, ['color=c=red:size=64x64:rate=5:duration=1']);
    await service.open('no-sound', { source: { kind: 'file', path: file }, media: 'audio' }, silent);
    expect(await silent.ended).toEqual({ type: 'ended', reason: 'The source has no sound.', error: true });
  });
});
