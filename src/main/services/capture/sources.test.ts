import { makeTestMedia } from '../ffmpeg/test-support/media-file';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../ffmpeg/locate';
import { parseSourceInput, probeSource, sourceLabel } from './probe';
import { CAPTURE_CHANNELS } from '@shared/ipc/capture';
import { channelRunners } from '../../ipc/dispatch';
import { createCaptureHandlers } from './capture-handlers';
import { AddedSources, addedSourcesFile } from './sources';

const dir = mkdtempSync(join(tmpdir(), 'rt-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ffmpeg = locateFfmpeg().path;

describe('"Add a source…"', () => {
  it('takes an rtsp/http(s) address, a file:// URL or an absolute path, and says what it accepts otherwise', () => {
    expect(parseSourceInput(' rtsp://admin:secret@192.168.1.64:554/Streaming/Channels/101 ')).toEqual({
      kind: 'url',
      url: 'rtsp://admin:secret@192.168.1.64:554/Streaming/Channels/101',
    });
    expect(parseSourceInput('/home/ada/clip.mp4')).toEqual({ kind: 'file', path: '/home/ada/clip.mp4' });
    expect(parseSourceInput('file:///home/ada/my%20clip.mp4')).toEqual({ kind: 'file', path: '/home/ada/my clip.mp4' });
    expect(() => parseSourceInput('ftp://example.org/a.mp4')).toThrow(
      'Only rtsp://, rtsps://, http:// and https:// addresses can be added (or a full path to a file).',
    );
    expect(() => parseSourceInput('clip.mp4')).toThrow(/full path of a file/);
    expect(() => parseSourceInput('-f lavfi -i movie=/etc/passwd')).toThrow(/full path of a file/);
    // A label never shows a password.
    expect(sourceLabel(parseSourceInput('rtsp://admin:secret@192.168.1.64:554/live'))).toBe('192.168.1.64:554/live');
  });

  it('asks FFmpeg what a file holds, remembers it across restarts, and refuses what FFmpeg cannot open with its reason', async () => {
    const file = join(dir, 'clip.mkv');
    makeTestMedia(file, ['testsrc2=size=160x90:rate=10:duration=1', 'sine=duration=1']);
    const sound = join(dir, 'tone.wav');
    makeTestMedia(sound, ['sine=duration=1']);
    expect(await probeSource(ffmpeg, { kind: 'file', path: file })).toEqual({ video: true, audio: true });
    expect(await probeSource(ffmpeg, { kind: 'file', path: sound })).toEqual({ video: false, audio: true });

    const probe = (source: Parameters<typeof probeSource>[1]) => probeSource(ffmpeg, source);
    const sources = new AddedSources({ store: addedSourcesFile(dir), probe });
    await sources.load();
    const added = await sources.add({ input: file });
    expect(added).toMatchObject({ label: 'clip.mkv', source: { kind: 'file', path: file }, media: { video: true, audio: true } });
    const test = await sources.add({ test: true, tone: 1000 });
    expect(test).toMatchObject({ label: 'Test pattern and 1000 Hz tone', media: { video: true, audio: true } });
    // The same source again is the same entry.
    expect((await sources.add({ input: `file://${file}` })).id).toBe(added.id);

    await expect(sources.add({ input: join(dir, 'missing.mp4') })).rejects.toThrow(/^FFmpeg could not open it: .*No such file or directory/);
    await expect(sources.add({ input: 'http://127.0.0.1:9/live.ts' })).rejects.toThrow(/Connection refused/);
    await expect(sources.add({ input: 'data:text/plain,hi' })).rejects.toThrow(/full path of a file/);
    // What is not a source request at all never reaches here: the channel refuses it (its schema).
    const add = channelRunners(
      { capture: CAPTURE_CHANNELS },
      createCaptureHandlers(sources, async () => null),
    ).get('capture:add-source')!;
    expect(await add([{ input: file, args: ['-y'] }])).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });

    const again = new AddedSources({ store: addedSourcesFile(dir), probe });
    expect((await again.load()).map((s) => s.label)).toEqual(['clip.mkv', 'Test pattern and 1000 Hz tone']);
    expect((await again.remove(added.id)).map((s) => s.label)).toEqual(['Test pattern and 1000 Hz tone']);
  });
});
