import { deviceNote } from '@shared/device-notes';
import { desktopText } from '../text/desktop-text';
import { describe, expect, it, vi } from 'vitest';
import type { BrowserDevice, DeviceEntry, DeviceSnapshot } from '@shared/ipc/devices';
import { matchDevices, resolveSelection } from '../services/devices/match';
import { visibleDevices } from '../services/devices/visible';
import { parseDshow } from '../services/ffmpeg/parse-dshow';
import { fixture } from '../services/ffmpeg/test-support/fixtures';
import { appMenuTemplate } from './app-menu';
import { deviceMenuActions, deviceMenuTemplate, itemLabel } from './device-menu';

type Item = { id?: string; label?: string; type?: string; checked?: boolean; enabled?: boolean; sublabel?: string; click?: () => void; submenu?: Item[] };

const device = (kind: BrowserDevice['kind'], deviceId: string, label: string): BrowserDevice => ({ kind, deviceId, label, groupId: deviceId });

/** A Windows machine: FFmpeg's recorded dshow listing, and what Chromium lists there. */
function windowsSnapshot(choice: { camera?: string; microphone?: string } = {}): DeviceSnapshot {
  const ffmpeg = visibleDevices(parseDshow(fixture('dshow-new-6.1.1-win11-virtual-cams-none-type.txt')).devices, false);
  const browser = [
    device('videoinput', 'v1', 'Sony Camera (Imaging Edge)'),
    device('videoinput', 'v2', 'NDI Webcam Video 1'),
    device('audioinput', 'default', 'Default - Microphone (Realtek(R) Audio Codec with DolbyAPO)'),
    device('audioinput', 'a1', 'Microphone (Realtek(R) Audio Codec with DolbyAPO)'),
    device('audioinput', 'a2', 'Microphone (Steam Streaming Microphone)'),
    device('audiooutput', 'default', 'Default - Speakers (Realtek(R) Audio)'),
    device('audiooutput', 's1', 'Speakers (Realtek(R) Audio)'),
    device('audiooutput', 's2', 'Headphones (WH-1000XM4)'),
  ];
  const entries = matchDevices({ ffmpeg, ffmpegKnown: true, browser, platform: 'win32' });
  const chosen = (role: 'camera' | 'microphone', key?: string) => resolveSelection(entries[role], key ? { key, browserId: null } : undefined);
  return {
    entries,
    selected: {
      camera: chosen('camera', choice.camera),
      microphone: chosen('microphone', choice.microphone),
      speaker: resolveSelection(entries.speaker, undefined),
    },
    ffmpeg: { state: 'ok', problem: null, message: null, source: 'fresh', listedAt: 1 },
  };
}

const submenu = (menu: Item, label: string): Item[] => menu.submenu!.find((i) => i.label === label)!.submenu!;
const shown = (items: Item[]) => items.map((i) => `${i.checked ? '(•)' : '( )'}${i.enabled === false ? ' [disabled]' : ''} ${i.label}`);

describe('the Devices menu', () => {
  it('lists cameras, microphones and speakers as radio items with the device in use checked, and Refresh devices', () => {
    const menu = deviceMenuTemplate(windowsSnapshot({ camera: 'camera:ndi webcam video 1' }), { select: vi.fn(), refresh: vi.fn() }) as Item;
    expect(menu.label).toBe('Devices');
    expect(menu.submenu!.map((i) => i.label ?? i.type)).toEqual(['Camera', 'Microphone', 'Speaker', 'separator', 'Refresh devices']);
    expect(shown(submenu(menu, 'Camera'))).toEqual([
      '( ) Sony Camera (Imaging Edge)',
      '(•) NDI Webcam Video 1',
      '( ) [disabled] OBS Virtual Camera — In use by another program, or its source app is not running',
    ]);
    expect(shown(submenu(menu, 'Microphone'))).toEqual([
      '(•) Microphone (Realtek(R) Audio Codec with DolbyAPO) (default)',
      '( ) Microphone (Steam Streaming Microphone)',
      // Only FFmpeg lists it: captured through FFmpeg.
      '( ) Webcam 4 (NDI Webcam Audio)',
    ]);
    expect(shown(submenu(menu, 'Speaker'))).toEqual(['(•) Speakers (Realtek(R) Audio) (default)', '( ) Headphones (WH-1000XM4)']);
    expect(submenu(menu, 'Camera').every((i) => i.type === 'radio')).toBe(true);
  });

  it('choosing an item selects that device, and Refresh devices lists again', () => {
    const actions = { select: vi.fn(), refresh: vi.fn() };
    const menu = deviceMenuTemplate(windowsSnapshot(), actions) as Item;
    submenu(menu, 'Microphone')[1]!.click!();
    expect(actions.select).toHaveBeenCalledWith('microphone', 'microphone:microphone (steam streaming microphone)');
    menu.submenu!.find((i) => i.label === 'Refresh devices')!.click!();
    expect(actions.refresh).toHaveBeenCalled();
  });

  it("says when a role has no device, and why FFmpeg is not listing, in the app's language (the detail as a tooltip)", () => {
    const empty: DeviceSnapshot = {
      entries: { camera: [], microphone: [], speaker: [] },
      selected: { camera: null, microphone: null, speaker: null },
      ffmpeg: { state: 'unavailable', problem: 'not-found', message: 'FFmpeg was not found. Set FFMPEG_PATH…', source: 'none', listedAt: null },
    };
    const menu = deviceMenuTemplate(empty, { select: vi.fn(), refresh: vi.fn() }) as Item;
    expect(shown(submenu(menu, 'Camera'))).toEqual(['( ) [disabled] No camera found']);
    expect(menu.submenu!.at(-1)).toMatchObject({
      label: 'FFmpeg was not found: only the devices Chromium lists can be used',
      toolTip: 'FFmpeg was not found. Set FFMPEG_PATH…',
      enabled: false,
    });
    const russian = deviceMenuTemplate(empty, { select: vi.fn(), refresh: vi.fn() }, desktopText('ru')) as Item;
    expect(russian.submenu!.at(-1)).toMatchObject({ label: 'FFmpeg не найден: доступны только устройства, которые видит Chromium', enabled: false });
    const failed = { ...empty, ffmpeg: { ...empty.ffmpeg, problem: 'cannot-list' as const, message: 'FFmpeg could not list devices: v4l2: …' } };
    expect((deviceMenuTemplate(failed, { select: vi.fn(), refresh: vi.fn() }, desktopText('ru')) as Item).submenu!.at(-1)!.label).toMatch(/^FFmpeg не смог/);
  });

  it('is placed between View and Window in the application menu', () => {
    const menu = deviceMenuTemplate(windowsSnapshot(), { select: vi.fn(), refresh: vi.fn() });
    const template = appMenuTemplate('linux', { quit: vi.fn(), showAbout: vi.fn() }, [menu]);
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'Devices', 'Window', 'Help']);
  });

  it('a refused choice (the device just went away) does not throw out of the click', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const actions = deviceMenuActions({ select: () => Promise.reject(new Error('there is no camera "x" (any more)')), refresh: vi.fn() });
    actions.select('camera', 'x');
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith('device menu: there is no camera "x" (any more)'));
    warn.mockRestore();
  });

  it("words the catalogue's notes in the app's language; a device's own name stays as it is", () => {
    const entry = (change: Partial<DeviceEntry>): DeviceEntry => ({
      key: 'k',
      role: 'microphone',
      label: 'RDP Source',
      browserId: null,
      ffmpeg: null,
      isDefault: false,
      enabled: false,
      note: null,
      ...change,
    });
    const ru = desktopText('ru');
    expect(itemLabel(entry({ note: deviceNote('checking') }), ru)).toBe('RDP Source — Проверяем, может ли браузерный движок его использовать…');
    expect(itemLabel(entry({ note: deviceNote('notAllowed', 'microphone') }), ru)).toBe(
      'RDP Source — Пока нет разрешения: приложению не разрешено использовать микрофон',
    );
    expect(itemLabel(entry({ label: deviceNote('systemDefault'), isDefault: true, enabled: true }), ru)).toBe('Устройство по умолчанию (по умолчанию)');
    expect(itemLabel(entry({ note: deviceNote('notAllowed', 'camera') }))).toBe('RDP Source — Not allowed yet: the app has no permission to use the camera');
  });
});
