import { describe, expect, it } from 'vitest';
import type { BrowserDevice } from '@shared/ipc/devices';
import { browserSnapshot } from './devices-browser';
import { browserIdFor } from './devices-model';

const d = (kind: BrowserDevice['kind'], deviceId: string, label: string): BrowserDevice => ({ kind, deviceId, label, groupId: deviceId });

describe("a browser guest's device lists", () => {
  const devices = [
    d('videoinput', 'cam-a', 'fake_device_0'),
    d('videoinput', 'cam-b', 'fake_device_1'),
    d('audioinput', 'default', 'Fake Default Audio Input'),
    d('audioinput', 'mic-a', 'Fake Audio Input 1'),
    d('audiooutput', 'default', 'Fake Default Audio Output'),
  ];

  it("are Chromium's devices, all usable, with the remembered choice or else the default", () => {
    const snapshot = browserSnapshot(devices, { camera: 'cam-b' });
    expect(snapshot.entries.camera.map((e) => [e.label, e.enabled, e.key])).toEqual([
      ['fake_device_0', true, 'cam-a'],
      ['fake_device_1', true, 'cam-b'],
    ]);
    expect(snapshot.selected).toEqual({ camera: 'cam-b', microphone: 'default', speaker: 'default' });
    expect(browserIdFor(snapshot, 'camera')).toBe('cam-b');
  });

  it('fall back to the default (or the first) when the remembered device is gone', () => {
    expect(browserSnapshot(devices, { camera: 'unplugged', microphone: 'unplugged' }).selected).toEqual({
      camera: 'cam-a',
      microphone: 'default',
      speaker: 'default',
    });
  });

  it('before a permission (no ids, no labels) offer nothing to choose', () => {
    const snapshot = browserSnapshot([d('videoinput', '', ''), d('audioinput', '', '')], {});
    expect(snapshot.entries.camera).toEqual([]);
    expect(snapshot.selected.camera).toBeNull();
    expect(browserIdFor(snapshot, 'camera')).toBeUndefined();
  });
});
