import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { FfmpegDevice } from './device';
import { runDevicesCli, type CliContext } from './devices-cli';
import { fixture } from './test-support/fixtures';
import { recorded, standInFfmpeg, type StandInFfmpeg } from './test-support/stand-in';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
let standIn: StandInFfmpeg | undefined;
afterEach(() => standIn?.remove());

function context(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { env, platform, stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('npm run devices', () => {
  it('on Windows lists DirectShow devices by default, readable', async () => {
    standIn = standInFfmpeg([recorded('dshow', fixture('dshow-old-qtav-nested-parens-partial.txt'))]);
    const ctx = context({ FFMPEG_PATH: standIn.path }, 'win32');
    expect(await runDevicesCli([], ctx)).toBe(0);
    expect(ctx.stderr[0]).toBe(`FFmpeg: ${standIn.path} (from FFMPEG_PATH)`);
    expect(ctx.stdout.join('\n')).toMatch(/^dshow:\n {4}video {2}@device_pnp_.* {2}USB 2861 Device {2}\(usb eb1a:5051\)$/m);
    expect(ctx.stdout.join('\n')).toContain('Headset Microphone (Cirrus Logic CS4208 (AB 94))');
  });

  it('on macOS lists AVFoundation devices by default; --json prints an array of devices', async () => {
    standIn = standInFfmpeg([recorded('avfoundation', fixture('avfoundation-oldprefix-chinese-camera-name.txt'))]);
    const ctx = context({ FFMPEG_PATH: standIn.path }, 'darwin');
    expect(await runDevicesCli(['--json'], ctx)).toBe(0);
    expect(JSON.parse(ctx.stdout.join(''))).toEqual([
      { kind: 'video', backend: 'avfoundation', id: '0', name: 'FaceTime 高清摄像头(内建)', isDefault: false },
      { kind: 'screen', backend: 'avfoundation', id: '1', name: 'Capture screen 0', isDefault: false },
      { kind: 'audio', backend: 'avfoundation', id: '0', name: 'Built-in Microphone', isDefault: false },
    ]);
  });

  it('explains a missing FFmpeg, an unknown backend, and a backend that cannot list', async () => {
    const missing = context({ PATH: '/nonexistent' }, 'linux');
    expect(await runDevicesCli([], missing)).toBe(2);
    expect(missing.stderr.join('\n')).toMatch(/FFmpeg was not found/);
    const unknown = context(process.env, 'linux');
    expect(await runDevicesCli(['--backend', 'wasapi'], unknown)).toBe(64);
    expect(unknown.stderr[0]).toBe('Unknown backend "wasapi". Use one of: dshow, avfoundation, v4l2, pulse, alsa.');
    standIn = standInFfmpeg([recorded('pulse', fixture('pulse-local-ffmpeg5.1-no-server-error.txt'))]);
    const failing = context({ FFMPEG_PATH: standIn.path }, 'linux');
    expect(await runDevicesCli(['--backend=pulse'], failing)).toBe(1);
    expect(failing.stderr).toContain('pulse: Generic error in an external library');
  });

  it('runs as a script with FFMPEG_PATH honoured', async () => {
    standIn = standInFfmpeg([recorded('dshow', fixture('dshow-new-master-2026-in0-prefix-mixed.txt'))]);
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'devices', '--', '--backend', 'dshow', '--json'], {
      cwd: ROOT,
      env: { ...process.env, FFMPEG_PATH: standIn.path },
    });
    expect((JSON.parse(stdout) as FfmpegDevice[]).map((d) => `${d.kind}:${d.name}`)).toEqual(['video:screen-capture-recorder', 'audio:virtual-audio-capturer']);
    expect(stderr).toContain(`FFmpeg: ${standIn.path} (from FFMPEG_PATH)`);
  });
});
