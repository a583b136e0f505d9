import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackend } from './list-devices';
import { locateFfmpeg } from './locate';
import { startPulseServer, type PulseServer } from './test-support/pulse';

/** The real Debian ffmpeg against a PulseAudio server this test starts with a null sink. */
describe('the real FFmpeg on this machine', () => {
  const { path } = locateFfmpeg();
  let pulse: PulseServer;
  beforeAll(async () => {
    pulse = await startPulseServer('rt_null');
  });
  afterAll(async () => {
    await pulse?.stop();
  });

  it("-sources pulse lists the null sink's monitor source, as the default", async () => {
    const result = await listBackend(path, 'pulse', { env: pulse.env });
    expect(result.error).toBeNull();
    expect(result.devices).toEqual([{ kind: 'audio', backend: 'pulse', id: 'rt_null.monitor', name: 'Monitor of Null Output', isDefault: true }]);
  });

  it('-sources pulse sees a source that appears later, with its description', async () => {
    await pulse.addNullSink('rt_usb', 'USB-Headset');
    await pulse.pactl('set-default-source', 'rt_usb.monitor');
    const { devices } = await listBackend(path, 'pulse', { env: pulse.env });
    expect(devices.map((d) => `${d.isDefault ? '*' : ' '} ${d.id} [${d.name}]`)).toEqual([
      '  rt_null.monitor [Monitor of Null Output]',
      '* rt_usb.monitor [Monitor of USB-Headset]',
    ]);
  });

  it('-sources alsa lists what ALSA offers here: its PulseAudio plug-in as the default', async () => {
    const result = await listBackend(path, 'alsa', { env: pulse.env });
    expect(result.error).toBeNull();
    expect(result.devices.find((d) => d.isDefault)).toMatchObject({ id: 'default', kind: 'audio', backend: 'alsa' });
    expect(result.devices.map((d) => d.id)).toContain('pulse');
  });

  it('-sources pulse with no server running reports why', async () => {
    const result = await listBackend(path, 'pulse', { env: { ...process.env, PULSE_SERVER: 'unix:/nonexistent/socket' } });
    expect(result).toEqual({ backend: 'pulse', devices: [], error: 'Generic error in an external library' });
  });

  it('-sources v4l2 runs without an error, listing /dev/video* nodes if there are any', async () => {
    const result = await listBackend(path, 'v4l2');
    expect(result.error).toBeNull();
    for (const device of result.devices) expect(device).toMatchObject({ kind: 'video', backend: 'v4l2', id: expect.stringMatching(/^\/dev\/video\d+$/) });
  });
});
