import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BrowserDevice, DeviceSnapshot } from '@shared/ipc/devices';
import type { FfmpegBackend, FfmpegDevice, FfmpegDeviceKind } from '../ffmpeg/device';
import { FfmpegNotFoundError, locateFfmpeg, NOT_FOUND_MESSAGE } from '../ffmpeg/locate';
import { parseSources } from '../ffmpeg/parse-sources';
import { fixture } from '../ffmpeg/test-support/fixtures';
import { startPulseServer, type PulseServer } from '../ffmpeg/test-support/pulse';
import type { DeviceChoices } from '../settings/device-choices';
import { memoryStore } from '../settings/json-file';
import type { DeviceCache } from './cache';
import { DeviceCatalogue, type CatalogueDeps, type FfmpegListing } from './catalogue';
import { createDeviceCatalogue } from './index';

const cam = (deviceId: string, label: string): BrowserDevice => ({ deviceId, kind: 'videoinput', label, groupId: deviceId });
const mic = (deviceId: string, label: string): BrowserDevice => ({ deviceId, kind: 'audioinput', label, groupId: deviceId });
const labels = (s: DeviceSnapshot, role: 'camera' | 'microphone') => s.entries[role].map((e) => e.label);

const BRIO = parseSources(fixture('v4l2-sources-ffmpeg5plus-brio-two-nodes.txt'), 'v4l2').devices;
const PULSE = parseSources(fixture('pulse-sources-ffmpeg5plus-xrdp-default-not-first.txt'), 'pulse').devices;

/** A lister whose answers the test controls; it records which kinds each call asked for. */
function scriptedLister(devices: FfmpegDevice[]) {
  const calls: Array<FfmpegDeviceKind[] | undefined> = [];
  let current = devices;
  let gate: Promise<void> = Promise.resolve();
  const lister = vi.fn(async (kinds?: FfmpegDeviceKind[]): Promise<FfmpegListing> => {
    calls.push(kinds);
    await gate;
    const backends: FfmpegBackend[] = [];
    if (!kinds || kinds.includes('video')) backends.push('v4l2');
    if (!kinds || kinds.includes('audio')) backends.push('pulse');
    return { backends, devices: current.filter((d) => backends.includes(d.backend)), errors: [] };
  });
  return {
    lister,
    calls,
    set: (next: FfmpegDevice[]) => void (current = next),
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

function catalogue(lister: CatalogueDeps['lister'], stores = { cache: memoryStore<DeviceCache>(), choices: memoryStore<DeviceChoices>() }) {
  return new DeviceCatalogue({ lister, ...stores, platform: 'linux', hotplugDebounceMs: 50 });
}

/** start() lists afresh in the background, just after it returns: wait for that listing. */
async function afterBackgroundListing(c: DeviceCatalogue): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await c.refresh();
}

const open: DeviceCatalogue[] = [];
afterEach(() => open.splice(0).forEach((c) => c.dispose()));
const track = (c: DeviceCatalogue) => (open.push(c), c);

describe('the device catalogue', () => {
  it('is ready at start-up from the cache, before FFmpeg answers, then refreshes in the background', async () => {
    const script = scriptedLister([...BRIO, ...PULSE]);
    const cache = memoryStore<DeviceCache>({
      version: 1,
      ffmpeg: { devices: PULSE, listedAt: 1, pulseAnswered: true },
      browser: [mic('r1', 'RDP Source')],
    });
    const release = script.hold();
    const c = track(catalogue(script.lister, { cache, choices: memoryStore() }));
    const ready = await c.start();
    expect(ready.ffmpeg.source).toBe('cache');
    expect(labels(ready, 'microphone')).toEqual(['RDP Source', 'Monitor of RDP Sink']);
    expect(ready.selected.microphone).toBe('microphone:rdp source');

    const fresh = new Promise<DeviceSnapshot>((resolve) => c.onChange((s) => s.ffmpeg.source === 'fresh' && resolve(s)));
    release();
    expect(labels(await fresh, 'camera')).toEqual(['Logitech BRIO']);
    expect(cache.value?.ffmpeg?.devices).toHaveLength(4);
  });

  it("answers a hot-plug (Chromium's list changed) with one debounced light listing of the kinds that changed", async () => {
    const script = scriptedLister(PULSE);
    const c = track(catalogue(script.lister));
    await c.start();
    await afterBackgroundListing(c);
    c.reportBrowserDevices([mic('r1', 'RDP Source')]);
    script.set([...PULSE, ...BRIO]);
    const calls = script.calls.length;
    // A camera plugged in: Chromium fires several devicechange events in a row.
    c.reportBrowserDevices([mic('r1', 'RDP Source'), cam('v1', 'Logitech BRIO (046d:085e)')]);
    expect(labels(c.snapshot(), 'camera')).toEqual(['Logitech BRIO (046d:085e)']);
    c.reportBrowserDevices([mic('r1', 'RDP Source'), cam('v1', 'Logitech BRIO (046d:085e)'), cam('v2', 'fake_device_1')]);
    await vi.waitFor(() => expect(c.snapshot().entries.camera[0]!.ffmpeg).toEqual({ backend: 'v4l2', id: '/dev/video0' }));
    expect(script.calls.slice(calls)).toEqual([['video']]);
    expect(c.snapshot().entries.microphone.map((e) => e.label)).toEqual(['RDP Source', 'Monitor of RDP Sink']);
  });

  it('merges refreshes asked for while one runs into a single listing after it', async () => {
    const script = scriptedLister(PULSE);
    const c = track(catalogue(script.lister));
    const release = script.hold();
    const first = c.refresh();
    await vi.waitFor(() => expect(script.calls).toHaveLength(1));
    const second = c.refresh(['audio']);
    const third = c.refresh(['video']);
    release();
    await Promise.all([first, second, third]);
    expect(script.calls).toEqual([undefined, ['audio', 'video']]);
  });

  it('remembers a choice across restarts, falls back to the default while the device is gone, and refuses a device that is not there', async () => {
    const stores = { cache: memoryStore<DeviceCache>(), choices: memoryStore<DeviceChoices>() };
    const script = scriptedLister(PULSE);
    const browser = [mic('default', 'Default'), mic('r1', 'RDP Source'), mic('r2', 'Monitor of RDP Sink')];
    const first = track(catalogue(script.lister, stores));
    await first.start();
    await first.refresh();
    first.reportBrowserDevices(browser);
    expect(first.snapshot().selected.microphone).toBe('microphone:rdp source');
    await first.select('microphone', 'microphone:monitor of rdp sink');
    expect(first.snapshot().selected.microphone).toBe('microphone:monitor of rdp sink');
    first.dispose();

    const again = track(catalogue(script.lister, stores));
    expect((await again.start()).selected.microphone).toBe('microphone:monitor of rdp sink');
    again.reportBrowserDevices(browser.slice(0, 2));
    await again.refresh();
    expect(again.snapshot().selected.microphone).toBe('microphone:rdp source');
    again.reportBrowserDevices(browser);
    expect(again.snapshot().selected.microphone).toBe('microphone:monitor of rdp sink');

    script.set([...PULSE, ...BRIO]);
    await again.refresh();
    // A camera only FFmpeg lists is captured through FFmpeg.
    expect((await again.select('camera', 'camera:logitech brio')).selected.camera).toBe('camera:logitech brio');
    await expect(again.select('camera', 'camera:nothing')).rejects.toThrow(/there is no camera "camera:nothing"/);
  });

  it('without FFmpeg, says why and still offers what Chromium sees', async () => {
    const c = track(
      new DeviceCatalogue({
        lister: async () => {
          throw new FfmpegNotFoundError(NOT_FOUND_MESSAGE);
        },
        cache: memoryStore(),
        choices: memoryStore(),
        platform: 'linux',
      }),
    );
    await c.start();
    c.reportBrowserDevices([cam('v', 'fake_device_0')]);
    const snapshot = await c.refresh();
    expect(snapshot.ffmpeg).toEqual({ state: 'unavailable', problem: 'not-found', message: NOT_FOUND_MESSAGE, source: 'none', listedAt: null });
    expect(snapshot.entries.camera).toMatchObject([{ label: 'fake_device_0', enabled: true, note: null }]);
    expect(snapshot.selected.camera).toBe('camera:fake_device_0');
  });

  it('tells an FFMPEG_PATH that names no program from FFmpeg that is missing, and from one that lists nothing', async () => {
    const misnamed = track(
      catalogue(async () => {
        locateFfmpeg({ env: { FFMPEG_PATH: '/nope/ffmpeg' } });
        return { backends: [], devices: [], errors: [] };
      }),
    );
    await misnamed.start();
    expect((await misnamed.refresh()).ffmpeg).toMatchObject({
      state: 'unavailable',
      problem: 'not-executable',
      message: expect.stringContaining('/nope/ffmpeg'),
    });
    const mute = track(catalogue(async () => ({ backends: ['v4l2'], devices: [], errors: [{ backend: 'v4l2', message: 'Cannot list sources' }] })));
    await mute.start();
    expect((await mute.refresh()).ffmpeg).toMatchObject({
      state: 'unavailable',
      problem: 'cannot-list',
      message: 'FFmpeg could not list devices: v4l2: Cannot list sources',
    });
  });
});

describe('the catalogue with the real FFmpeg and a PulseAudio server', () => {
  let pulse: PulseServer;
  beforeAll(async () => {
    pulse = await startPulseServer('rt_null');
  });
  afterAll(async () => {
    await pulse?.stop();
  });

  it("shows a device plugged in (or out) while running within 3 s (Chromium's devicechange + a light FFmpeg listing)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rt-catalogue-'));
    const c = track(createDeviceCatalogue({ dataDir, env: pulse.env, platform: 'linux' }));
    await c.start();
    await c.refresh();
    expect(c.snapshot().entries.microphone.map((e) => [e.label, e.ffmpeg?.id])).toEqual([['Monitor of Null Output', 'rt_null.monitor']]);
    c.reportBrowserDevices([mic('default', 'Default')]);

    // Plug in: a new PulseAudio source appears, and Chromium reports a devicechange.
    const module = await pulse.addNullSink('rt_hotplug', 'Hot-Plugged');
    const plugged = Date.now();
    const seen = new Promise<number>((resolve) =>
      c.onChange((s) => {
        if (s.entries.microphone.some((e) => e.ffmpeg?.id === 'rt_hotplug.monitor')) resolve(Date.now());
      }),
    );
    c.reportBrowserDevices([mic('default', 'Default'), mic('h1', 'Monitor of Hot-Plugged')]);
    const delay = (await seen) - plugged;
    expect(delay).toBeLessThan(3_000);
    expect(c.snapshot().entries.microphone.find((e) => e.browserId === 'h1')).toMatchObject({
      enabled: true,
      ffmpeg: { backend: 'pulse', id: 'rt_hotplug.monitor' },
    });

    // A new catalogue on the same folder (the next start of the app) has the list at once.
    const next = track(createDeviceCatalogue({ dataDir, env: { ...pulse.env, FFMPEG_PATH: '/nonexistent' }, platform: 'linux' }));
    const cached = await next.start();
    expect(cached.ffmpeg.source).toBe('cache');
    expect(cached.entries.microphone.map((e) => e.label)).toContain('Monitor of Hot-Plugged');

    // Unplug: the source goes, Chromium reports a devicechange, the menu loses it within 3 s.
    const gone = new Promise<number>((resolve) =>
      c.onChange((s) => {
        if (!s.entries.microphone.some((e) => e.ffmpeg?.id === 'rt_hotplug.monitor')) resolve(Date.now());
      }),
    );
    await pulse.pactl('unload-module', module);
    const unplugged = Date.now();
    c.reportBrowserDevices([mic('default', 'Default')]);
    expect((await gone) - unplugged).toBeLessThan(3_000);
    await c.refresh();
    expect(c.snapshot().entries.microphone.flatMap((e) => (e.ffmpeg ? [e.ffmpeg.id] : []))).toEqual(['rt_null.monitor']);
  });
});
