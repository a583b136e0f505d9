import { app, BrowserWindow, ipcMain, Menu } from '../../../tests/fakes/electron';
import { describe, expect, it } from 'vitest';
import type { app as FakeApp, ipcMain as FakeIpcMain, Menu as FakeMenu } from '../../../tests/fakes/electron';
import type { BrowserDevice, DeviceSnapshot } from '@shared/ipc/devices';
import { DeviceCatalogue } from '../services/devices';
import { parseSources } from '../services/ffmpeg/parse-sources';
import { fixture } from '../services/ffmpeg/test-support/fixtures';
import { memoryStore } from '../services/settings/json-file';
import type { DeviceChoices } from '../services/settings/device-choices';
import { startShell } from './shell';

type Item = { label?: string; checked?: boolean; enabled?: boolean; click?: () => void; submenu?: Item[] };

const fakeIpc = ipcMain as unknown as typeof FakeIpcMain;
const APP = 'app://roundtable/index.html';
const mic = (deviceId: string, label: string): BrowserDevice => ({ kind: 'audioinput', deviceId, label, groupId: deviceId });

function devicesMenu(): Item[] {
  const template = (Menu as unknown as typeof FakeMenu).current!.template as Item[];
  return template.find((m) => m.label === 'Devices')!.submenu!;
}
const microphones = () => devicesMenu().find((i) => i.label === 'Microphone')!.submenu!;
const sent = () =>
  BrowserWindow.getAllWindows()[0]!
    .webContents.send.mock.calls.filter(([channel]) => channel === 'devices:changed')
    .map(([, payload]) => payload as DeviceSnapshot);

describe('devices in the Electron shell', () => {
  const choices = memoryStore<DeviceChoices>();
  const catalogue = new DeviceCatalogue({
    lister: async () => ({
      backends: ['pulse'],
      devices: parseSources(fixture('pulse-sources-ffmpeg5plus-xrdp-default-not-first.txt'), 'pulse').devices,
      errors: [],
    }),
    cache: memoryStore(),
    choices,
    platform: 'linux',
  });

  it('answers the renderer, keeps the menu and every window in step, and takes choices from the menu', async () => {
    startShell({ preload: '/p.cjs', renderer: '/r' }, { devices: catalogue });
    (app as unknown as typeof FakeApp).becomeReady();
    await app.whenReady();
    await catalogue.refresh();
    await new Promise((resolve) => setTimeout(resolve, 0));

    // FFmpeg's list is in the menu before the renderer said anything: greyed out, "checking".
    expect(microphones().map((i) => [i.label, i.enabled])).toEqual([
      ['Monitor of RDP Sink — Checking whether the browser engine can use it…', false],
      ['RDP Source — Checking whether the browser engine can use it…', false],
    ]);

    await fakeIpc.invokeAs(APP, 'devices:report-browser', [[mic('default', 'Default'), mic('a', 'RDP Source'), mic('b', 'Monitor of RDP Sink')]]);
    expect(microphones().map((i) => [i.label, i.checked, i.enabled])).toEqual([
      ['RDP Source (default)', true, true],
      ['Monitor of RDP Sink', false, true],
    ]);
    expect(sent().at(-1)!.selected.microphone).toBe('microphone:rdp source');

    // Chosen in the menu: the renderer hears of it, the menu checks it, and it is saved.
    microphones()[1]!.click!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent().at(-1)!.selected.microphone).toBe('microphone:monitor of rdp sink');
    expect(microphones().map((i) => i.checked)).toEqual([false, true]);
    expect(choices.value?.microphone).toEqual({ key: 'microphone:monitor of rdp sink', label: 'Monitor of RDP Sink', browserId: 'b' });

    // Chosen in a picker (over IPC): the same.
    const { value: snapshot } = (await fakeIpc.invokeAs(APP, 'devices:select', ['microphone', 'microphone:rdp source'])) as { value: DeviceSnapshot };
    expect(snapshot.selected.microphone).toBe('microphone:rdp source');
    expect(microphones().map((i) => i.checked)).toEqual([true, false]);
    expect(await fakeIpc.invokeAs(APP, 'devices:snapshot', [])).toEqual({ ok: true, value: snapshot });
  });

  it('refuses malformed input with a clear error and changes nothing', async () => {
    const before = catalogue.snapshot();
    const refused = (message: RegExp, path: Array<string | number>) => ({
      ok: false,
      error: { code: 'invalid-arguments', message: expect.stringMatching(message), details: { issues: [expect.objectContaining({ path })] } },
    });
    expect(await fakeIpc.invokeAs(APP, 'devices:select', ['webcam', 'x'])).toMatchObject(refused(/^devices:select: /, [0]));
    expect(await fakeIpc.invokeAs(APP, 'devices:select', ['camera', ''])).toMatchObject(refused(/^devices:select: /, [1]));
    expect(await fakeIpc.invokeAs(APP, 'devices:report-browser', [[{ deviceId: 1, kind: 'videoinput', label: 'x', groupId: '' }]])).toMatchObject(
      refused(/^devices:report-browser: /, [0, 0, 'deviceId']),
    );
    expect(await fakeIpc.invokeAs(APP, 'devices:report-browser', ['not a list'])).toMatchObject(refused(/^devices:report-browser: /, [0]));
    expect(await fakeIpc.invokeAs('https://evil.example/', 'devices:refresh', [])).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(catalogue.snapshot()).toBe(before);
  });
});
