import { describe, expect, it } from 'vitest';
import type { BrowserDevice, DeviceEntry } from '@shared/ipc/devices';
import { parseDshow } from '../ffmpeg/parse-dshow';
import { parseSources } from '../ffmpeg/parse-sources';
import { fixture } from '../ffmpeg/test-support/fixtures';
import { normalizeLabel, usbIdFromLabel } from './labels';
import { matchDevices, resolveSelection } from './match';
import { visibleDevices } from './visible';

const cam = (deviceId: string, label: string): BrowserDevice => ({ deviceId, kind: 'videoinput', label, groupId: `g-${deviceId}` });
const mic = (deviceId: string, label: string): BrowserDevice => ({ deviceId, kind: 'audioinput', label, groupId: `g-${deviceId}` });
const out = (deviceId: string, label: string): BrowserDevice => ({ deviceId, kind: 'audiooutput', label, groupId: `g-${deviceId}` });
const brief = (entries: DeviceEntry[]) => entries.map((e) => `${e.enabled ? '+' : '-'}${e.isDefault ? '*' : ' '}${e.label}${e.note ? ` — ${e.note}` : ''}`);

describe('labels', () => {
  it('fold what differs between Chromium and FFmpeg', () => {
    expect(normalizeLabel('HD Webcam C525 (046d:0826)')).toBe('hd webcam c525');
    expect(normalizeLabel('Default - Microphone (Realtek(R) Audio)')).toBe('microphone (realtek(r) audio)');
    expect(normalizeLabel('FaceTime 高清摄像头（内建）')).toBe(normalizeLabel('FaceTime 高清摄像头(内建)'));
    expect(normalizeLabel('Mason’s iPhone  Microphone ')).toBe("mason's iphone microphone");
    expect(usbIdFromLabel('Logitech BRIO (046D:085E)')).toEqual({ vendorId: '046d', productId: '085e' });
    expect(usbIdFromLabel('Soundflower (64ch)')).toBeUndefined();
  });
});

describe('matching FFmpeg devices to Chromium devices', () => {
  it('Windows: by USB vid:pid, by label, by a label DirectShow cut at 31 characters; Chromium\'s "Default - X" marks the default', () => {
    const ffmpeg = [
      ...parseDshow(fixture('dshow-old-3.2.4-chinese-name-virtual-devices.txt')).devices,
      ...parseDshow(fixture('dshow-old-2012-trac-wiki-no-altname-truncated-name.txt')).devices.filter((d) => d.name.startsWith('Internal')),
    ];
    const browser = [
      cam('c1', 'Integrated Webcam (0c45:6448)'),
      mic('default', 'Default - Internal Microphone (Conexant 20672 SmartAudio HD)'),
      mic('communications', 'Communications - Internal Microphone (Conexant 20672 SmartAudio HD)'),
      mic('m1', '麦克风 (High Definition Audio 设备)'),
      mic('m2', 'Internal Microphone (Conexant 20672 SmartAudio HD)'),
      out('default', 'Default - Speakers (Realtek(R) Audio)'),
      out('s1', 'Speakers (Realtek(R) Audio)'),
    ];
    const entries = matchDevices({ ffmpeg, ffmpegKnown: true, browser, platform: 'win32' });
    expect(entries.camera.map((e) => [e.label, e.browserId, e.ffmpeg?.id.slice(0, 21), e.key])).toEqual([
      ['Integrated Webcam (0c45:6448)', 'c1', '@device_pnp_\\\\?\\usb#v', 'camera:integrated webcam@0c45:6448'],
      ['screen-capture-recorder', null, '@device_sw_{860BB310-', 'camera:screen-capture-recorder'],
    ]);
    expect(brief(entries.camera)[1]).toBe('+ screen-capture-recorder — Captured through FFmpeg: Chromium does not list it');
    expect(entries.camera[1]!.capture).toEqual({ kind: 'device', backend: 'dshow', id: entries.camera[1]!.ffmpeg!.id });
    expect(brief(entries.microphone)).toEqual([
      '+ 麦克风 (High Definition Audio 设备)',
      '+*Internal Microphone (Conexant 20672 SmartAudio HD)',
      '+ virtual-audio-capturer — Captured through FFmpeg: Chromium does not list it',
    ]);
    expect(entries.microphone[1]!.ffmpeg).toEqual({ backend: 'dshow', id: 'Internal Microphone (Conexant 2' });
    expect(brief(entries.speaker)).toEqual(['+*Speakers (Realtek(R) Audio)']);
  });

  it('a virtual camera FFmpeg lists as (none) is disabled as in use or not running', () => {
    const ffmpeg = parseDshow(fixture('dshow-new-softcam-not-running-none-type.txt')).devices;
    const entries = matchDevices({ ffmpeg, ffmpegKnown: true, browser: [cam('o1', 'OBS Virtual Camera')], platform: 'win32' });
    expect(brief(entries.camera)).toEqual(['+ OBS Virtual Camera', '- DirectShow Softcam — In use by another program, or its source app is not running']);
  });

  it('macOS: Chromium seeing no camera at all points at the privacy settings', () => {
    const entries = matchDevices({
      ffmpeg: [{ kind: 'video', backend: 'avfoundation', id: '0', name: 'FaceTime HD Camera', isDefault: false }],
      ffmpegKnown: true,
      browser: [],
      platform: 'darwin',
    });
    expect(entries.camera[0]).toMatchObject({
      enabled: false,
      note: 'Blocked by macOS privacy settings? Allow Roundtable in System Settings ▸ Privacy & Security ▸ Camera',
    });
  });

  it('before a permission (no labels), and before the renderer reported at all', () => {
    const ffmpeg = parseSources(fixture('pulse-local-ffmpeg5.1-single-default-monitor.txt'), 'pulse').devices;
    const unlabelled = matchDevices({ ffmpeg, ffmpegKnown: true, browser: [mic('', '')], platform: 'linux' });
    expect(brief(unlabelled.microphone)).toEqual(['+ Monitor of Null Output — Captured through FFmpeg: Chromium does not list it']);
    const unknown = matchDevices({ ffmpeg, ffmpegKnown: true, browser: null, platform: 'linux' });
    expect(brief(unknown.microphone)).toEqual(['- Monitor of Null Output — Checking whether the browser engine can use it…']);
  });

  it("Linux: PulseAudio's default (FFmpeg's *) tells which device Chromium's \"Default\" is; one camera with two V4L2 nodes is one entry", () => {
    const ffmpeg = visibleDevices(
      [
        ...parseSources(fixture('v4l2-sources-ffmpeg5plus-brio-two-nodes.txt'), 'v4l2').devices,
        ...parseSources(fixture('pulse-local-ffmpeg5.1-nonlatin-nested-parens.txt'), 'pulse').devices,
        ...parseSources(fixture('alsa-local-ffmpeg5.1-default-marker-pulse-plugin.txt'), 'alsa').devices,
      ],
      true,
    );
    const browser = [
      cam('v1', 'Logitech BRIO (046d:085e)'),
      mic('default', 'Default'),
      mic('a1', 'Monitor of Null Output'),
      mic('a2', '麦克风 (Realtek High Definition Audio)'),
      mic('a3', 'Fake USB mic'),
    ];
    const entries = matchDevices({ ffmpeg, ffmpegKnown: true, browser, platform: 'linux' });
    expect(entries.camera).toEqual([
      {
        key: 'camera:logitech brio@046d:085e',
        role: 'camera',
        label: 'Logitech BRIO (046d:085e)',
        browserId: 'v1',
        ffmpeg: { backend: 'v4l2', id: '/dev/video0' },
        isDefault: false,
        enabled: true,
        note: null,
      },
    ]);
    expect(brief(entries.microphone)).toEqual([
      '+ Monitor of Null Output',
      '+*麦克风 (Realtek High Definition Audio)',
      '+ Fake USB mic — FFmpeg does not list it',
      '+ Monitor of Microphone (2- USB Audio Device) — Captured through FFmpeg: Chromium does not list it',
      '+ Микрофон (Realtek(R) Audio) — Captured through FFmpeg: Chromium does not list it',
    ]);
  });

  it('without PulseAudio, ALSA shows its default and one entry per sound card, not its plug-ins', () => {
    const alsa = parseSources(fixture('alsa-sources-pre5-usb-mic-indent-stripped.txt'), 'alsa').devices;
    expect(visibleDevices(alsa, false).map((d) => d.id)).toEqual(['default:CARD=Snowflake']);
    const plugins = parseSources(fixture('alsa-local-ffmpeg5.1-default-marker-pulse-plugin.txt'), 'alsa').devices;
    expect(visibleDevices(plugins, false).map((d) => d.id)).toEqual(['default']);
    expect(visibleDevices(plugins, true)).toEqual([]);
  });

  it('gives two identical cameras different keys, and keeps a trailing space out of the label', () => {
    const entries = matchDevices({
      ffmpeg: parseSources(fixture('pulse-local-ffmpeg5.1-brackets-trailing-space.txt'), 'pulse').devices,
      ffmpegKnown: true,
      browser: [cam('x', 'USB Camera (1234:5678)'), cam('y', 'USB Camera (1234:5678)')],
      platform: 'linux',
    });
    expect(entries.camera.map((e) => e.key)).toEqual(['camera:usb camera@1234:5678', 'camera:usb camera@1234:5678#2']);
    expect(entries.microphone.at(-1)!.label).toBe('USB Mic [Front]');
  });

  it('offers what only FFmpeg lists, and added sources, as FFmpeg sources, but never picks one by default', () => {
    const ffmpeg = parseSources(fixture('pulse-local-ffmpeg5.1-single-default-monitor.txt'), 'pulse').devices;
    const added = [
      { id: 'cam1', label: '127.0.0.1:8554/live', source: { kind: 'url' as const, url: 'rtsp://127.0.0.1:8554/live' }, media: { video: true, audio: false } },
      { id: 'tst', label: 'Test pattern and 440 Hz tone', source: { kind: 'test' as const, tone: 440 }, media: { video: true, audio: true } },
    ];
    const entries = matchDevices({ ffmpeg, ffmpegKnown: true, browser: [mic('m', 'Desk mic')], platform: 'linux', added });
    expect(brief(entries.camera)).toEqual([
      '+ 127.0.0.1:8554/live — Added source, captured through FFmpeg',
      '+ Test pattern and 440 Hz tone — Added source, captured through FFmpeg',
    ]);
    expect(entries.camera.map((e) => e.key)).toEqual(['camera:source:cam1', 'camera:source:tst']);
    expect(entries.microphone.map((e) => [e.label, e.capture])).toEqual([
      ['Desk mic', undefined],
      ['Monitor of Null Output', { kind: 'device', backend: 'pulse', id: 'rt_null.monitor' }],
      ['Test pattern and 440 Hz tone', { kind: 'test', tone: 440 }],
    ]);
    // Computer audio or a stream is used only when chosen.
    expect(resolveSelection(entries.microphone, undefined)).toBe('microphone:desk mic');
    expect(resolveSelection(entries.camera, undefined)).toBeNull();
    expect(resolveSelection(entries.microphone, { key: 'microphone:monitor of null output', browserId: null })).toBe('microphone:monitor of null output');
  });

  it('says nothing about FFmpeg when it has not listed yet (or is missing)', () => {
    const entries = matchDevices({ ffmpeg: [], ffmpegKnown: false, browser: [cam('x', 'fake_device_0')], platform: 'linux' });
    expect(entries.camera[0]!.note).toBeNull();
  });
});

describe('the device in use for a role', () => {
  const entries = matchDevices({
    ffmpeg: [],
    ffmpegKnown: true,
    browser: [mic('default', 'Default'), mic('a', 'Headset'), mic('b', 'Desk mic')],
    platform: 'linux',
  }).microphone;

  it('is the remembered one, found by Chromium id or by key', () => {
    expect(resolveSelection(entries, { key: 'microphone:desk mic', browserId: 'b' })).toBe('microphone:desk mic');
    expect(resolveSelection(entries, { key: 'microphone:headset', browserId: 'gone-id' })).toBe('microphone:headset');
  });

  it('falls back to the default when the remembered device is gone', () => {
    expect(resolveSelection(entries, { key: 'microphone:usb thing', browserId: 'zzz' })).toBe('microphone:@default');
    expect(resolveSelection(entries, undefined)).toBe('microphone:@default');
    expect(resolveSelection([], undefined)).toBeNull();
  });
});
