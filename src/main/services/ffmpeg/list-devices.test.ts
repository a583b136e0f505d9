import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './backends';
import { listBackend, listFfmpegDevices } from './list-devices';
import { locateFfmpeg } from './locate';
import { runFfmpeg } from './run';
import { fixture } from './test-support/fixtures';
import { recorded, standInFfmpeg, type StandInFfmpeg } from './test-support/stand-in';

let standIn: StandInFfmpeg | undefined;
afterEach(() => standIn?.remove());

describe('listing devices through an FFmpeg binary', () => {
  it('Windows: runs the dshow listing command and reads stderr, although ffmpeg exits 1', async () => {
    standIn = standInFfmpeg([recorded('dshow', fixture('dshow-new-6.1.1-win11-virtual-cams-none-type.txt'))]);
    const [result] = await listFfmpegDevices(standIn.path, ['dshow']);
    expect(standIn.calls()).toEqual([['-hide_banner', '-list_devices', 'true', '-f', 'dshow', '-i', 'dummy']]);
    expect(result!.error).toBeNull();
    expect(result!.devices.map((d) => d.name)).toContain('Microphone (Realtek(R) Audio Codec with DolbyAPO)');
  });

  it('macOS: runs the avfoundation listing command with an empty input name', async () => {
    standIn = standInFfmpeg([recorded('avfoundation', fixture('avfoundation-indev-ffmpeg6plus-brackets-in-name-in0-errors.txt'))]);
    const [result] = await listFfmpegDevices(standIn.path, ['avfoundation']);
    expect(standIn.calls()).toEqual([['-hide_banner', '-f', 'avfoundation', '-list_devices', 'true', '-i', '']]);
    expect(result!.devices.map((d) => `${d.kind}:${d.name}`)).toEqual([
      'video:FaceTime HD Camera',
      'screen:Capture screen 0',
      'audio:MacBook Pro Microphone',
      'audio:Microsoft Teams Audio',
      'audio:USB Audio [Line In]',
    ]);
  });

  it('Linux: runs -sources for each backend at once, and a light refresh lists only the kinds that changed', async () => {
    standIn = standInFfmpeg([
      recorded('v4l2', fixture('v4l2-sources-ffmpeg5plus-brio-two-nodes.txt')),
      recorded('pulse', fixture('pulse-sources-ffmpeg5plus-xrdp-default-not-first.txt')),
    ]);
    const all = await listFfmpegDevices(standIn.path, ['v4l2', 'pulse']);
    expect(all.map((r) => [r.backend, r.devices.length, r.error])).toEqual([
      ['v4l2', 2, null],
      ['pulse', 2, null],
    ]);
    const light = await listFfmpegDevices(standIn.path, ['v4l2', 'pulse'], { kinds: ['audio'] });
    expect(light.map((r) => r.backend)).toEqual(['pulse']);
    expect(standIn.calls().filter((args) => args.includes('v4l2'))).toHaveLength(1);
  });

  it('explains a backend this FFmpeg was built without (the real Debian ffmpeg has no dshow)', async () => {
    const { path } = locateFfmpeg();
    expect(await listBackend(path, 'dshow')).toEqual({ backend: 'dshow', devices: [], error: 'this FFmpeg was built without dshow support' });
  });

  it('passes on "Cannot list sources" as the error', async () => {
    standIn = standInFfmpeg([recorded('pulse', fixture('pulse-local-ffmpeg5.1-no-server-error.txt'))]);
    expect(await listBackend(standIn.path, 'pulse')).toEqual({ backend: 'pulse', devices: [], error: 'Generic error in an external library' });
  });

  it('gives up on a listing that hangs, without blocking the event loop meanwhile', async () => {
    standIn = standInFfmpeg([{ ...recorded('v4l2', ''), delayMs: 5_000 }]);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    const result = await listBackend(standIn.path, 'v4l2', { timeoutMs: 500 });
    clearInterval(timer);
    expect(result.error).toMatch(/did not finish within 500 ms/);
    expect(ticks).toBeGreaterThan(5);
  });

  it('says so when the binary cannot be run', async () => {
    await expect(runFfmpeg('/nonexistent/ffmpeg', BACKENDS.v4l2.args)).rejects.toThrow(/could not run \/nonexistent\/ffmpeg: no such file/);
  });
});
