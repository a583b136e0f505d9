import { describe, expect, it } from 'vitest';
import type { FfmpegDevice } from './device';
import { parseDshow } from './parse-dshow';
import { crlf, fixture } from './test-support/fixtures';

const VIDEO_CAT = '{860BB310-5D01-11D0-BD3B-00A0C911CE86}';
const AUDIO_CAT = '{33D9A762-90C8-11D0-BD43-00A0C911CE86}';
const brief = (devices: FfmpegDevice[]) => devices.map((d) => [d.kind, d.name, d.id]);

describe('dshow listings, old format (FFmpeg < 5: section headers)', () => {
  it('takes the kind from the section, keeps a truncated name with an unbalanced parenthesis, and opens by name when no Alternative name is printed', () => {
    const { devices } = parseDshow(fixture('dshow-old-2012-trac-wiki-no-altname-truncated-name.txt'));
    expect(brief(devices)).toEqual([
      ['video', 'Integrated Camera', 'Integrated Camera'],
      ['video', 'screen-capture-recorder', 'screen-capture-recorder'],
      ['audio', 'Internal Microphone (Conexant 2', 'Internal Microphone (Conexant 2'],
      ['audio', 'virtual-audio-capturer', 'virtual-audio-capturer'],
    ]);
    expect(devices.every((d) => d.backend === 'dshow' && !d.isDefault)).toBe(true);
  });

  it('opens by Alternative name, reads USB vid:pid from it, and keeps a Chinese name with a nested context', () => {
    const { devices } = parseDshow(fixture('dshow-old-3.2.4-chinese-name-virtual-devices.txt'));
    expect(brief(devices)).toEqual([
      ['video', 'Integrated Webcam', '@device_pnp_\\\\?\\usb#vid_0c45&pid_6448&mi_00#7&2645f9e4&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global'],
      ['video', 'screen-capture-recorder', `@device_sw_${VIDEO_CAT}\\{4EA69364-2C8A-4AE6-A561-56E4B5044439}`],
      ['audio', '麦克风 (High Definition Audio 设备)', `@device_cm_${AUDIO_CAT}\\wave_{E26AD2BE-B335-41EC-BED5-40F982F21FF7}`],
      ['audio', 'virtual-audio-capturer', `@device_sw_${AUDIO_CAT}\\{8E146464-DB61-4309-AFA1-3578E927E935}`],
    ]);
    expect(devices[0]!.usb).toEqual({ vendorId: '0c45', productId: '6448' });
    expect(devices[1]!.usb).toBeUndefined();
  });

  it('keeps nested parentheses in a name', () => {
    const { devices } = parseDshow(fixture('dshow-old-qtav-nested-parens-partial.txt'));
    expect(devices.map((d) => d.name)).toEqual(['USB 2861 Device', 'FaceTime HD Camera', 'Headset Microphone (Cirrus Logic CS4208 (AB 94))']);
    expect(devices[2]!.kind).toBe('audio');
    expect(devices[0]!.usb).toEqual({ vendorId: 'eb1a', productId: '5051' });
  });

  it('reads Bluetooth and non-Latin names, and a listing for an input named 0', () => {
    expect(brief(parseDshow(fixture('dshow-old-chinese-headset-names.txt')).devices).map(([k, n]) => [k, n])).toEqual([
      ['video', 'USB2.0 HD UVC WebCam'],
      ['audio', '麦克风 (Realtek High Definition Audio)'],
      ['audio', '耳机 (MINISO-K66 Hands-Free AG Audio)'],
    ]);
    expect(parseDshow(fixture('dshow-old-pre5-steam-mic-input-named-0.txt')).devices.map((d) => `${d.kind}:${d.name}`)).toEqual([
      'video:Hercules HD Sunset',
      'audio:Microphone (Hercules HD Sunset Mic)',
      'audio:Microphone (Steam Streaming Microphone)',
    ]);
  });
});

describe('dshow listings, new format (FFmpeg ≥ 5: "Name" (video) / (audio) / (none))', () => {
  it('reads the media-type suffix, (R) inside parentheses, and a (none) virtual camera as inactive video', () => {
    const { devices } = parseDshow(fixture('dshow-new-6.1.1-win11-virtual-cams-none-type.txt'));
    expect(devices.map((d) => [d.kind, d.name, d.inactive ?? false])).toEqual([
      ['video', 'Sony Camera (Imaging Edge)', false],
      ['video', 'NDI Webcam Video 1', false],
      ['video', 'OBS Virtual Camera', true],
      ['audio', 'Webcam 4 (NDI Webcam Audio)', false],
      ['audio', 'Microphone (Steam Streaming Microphone)', false],
      ['audio', 'Microphone (Realtek(R) Audio Codec with DolbyAPO)', false],
    ]);
    expect(devices[2]!.id).toBe(`@device_sw_${VIDEO_CAT}\\{A3FCE0F5-3493-419F-958A-ABA1250EC20B}`);
  });

  it('sees a virtual camera go from (video) to (none) between runs', () => {
    const running = parseDshow(fixture('dshow-new-softcam-running-video.txt')).devices;
    const stopped = parseDshow(fixture('dshow-new-softcam-not-running-none-type.txt')).devices;
    expect(running[0]).toEqual({
      kind: 'video',
      backend: 'dshow',
      id: `@device_sw_${VIDEO_CAT}\\DirectShow Softcam`,
      name: 'DirectShow Softcam',
      isDefault: false,
    });
    expect(stopped[0]).toEqual({ ...running[0], inactive: true });
  });

  it('reads lines whose log prefix changes within one listing ([in#0 @ …] and [dshow @ …])', () => {
    const { devices } = parseDshow(fixture('dshow-new-master-2026-in0-prefix-mixed.txt'));
    expect(brief(devices).map(([k, n]) => `${k}:${n}`)).toEqual(['video:screen-capture-recorder', 'audio:virtual-audio-capturer']);
  });

  it('keeps an Alternative name that has no device line before it, as an unnamed device of its category', () => {
    const { devices } = parseDshow(fixture('dshow-new-orphan-altname-chinese-mic.txt'));
    expect(brief(devices)).toEqual([
      ['video', 'Lenovo EasyCamera', '@device_pnp_\\\\?\\usb#vid_04f2&pid_b272&mi_00#7&261be5eb&0&0000#{65e8773d-8f56-11d0-a3b9-00a0c9223196}\\global'],
      ['audio', 'Unnamed audio device', `@device_cm_${AUDIO_CAT}\\wave_{9FD6145A-C96B-407D-AC71-83D5BB6ACE47}`],
      ['audio', '麦克风 (USB Audio Device)', `@device_cm_${AUDIO_CAT}\\wave_{45944422-6F3D-47DD-A731-B5EFB4143F31}`],
    ]);
    expect(devices[0]!.usb).toEqual({ vendorId: '04f2', productId: 'b272' });
  });

  it('keeps a comma in a name and reads vid:pid even from a redacted moniker', () => {
    const { devices } = parseDshow(fixture('dshow-new-comma-in-name-redacted-guids.txt'));
    expect(devices.map((d) => [d.kind, d.name])).toEqual([
      ['video', 'BisonCam,NB Pro'],
      ['audio', '麦克风 (Realtek High Definition Audio)'],
    ]);
    expect(devices[0]!.usb).toEqual({ vendorId: '5986', productId: '1112' });
    expect(parseDshow(fixture('dshow-new-chinese-realtek.txt')).devices.map((d) => d.name)).toEqual([
      'USB2.0 UVC HD Webcam',
      '麦克风 (Realtek High Definition Audio)',
    ]);
  });
});

describe('dshow listings, whatever the line endings', () => {
  const all = [
    'dshow-old-2012-trac-wiki-no-altname-truncated-name.txt',
    'dshow-old-3.2.4-chinese-name-virtual-devices.txt',
    'dshow-old-qtav-nested-parens-partial.txt',
    'dshow-new-6.1.1-win11-virtual-cams-none-type.txt',
    'dshow-new-orphan-altname-chinese-mic.txt',
    'dshow-new-master-2026-in0-prefix-mixed.txt',
  ];
  it.each(all)('%s reads the same with CRLF (as Windows prints it)', (name) => {
    const lf = parseDshow(fixture(name)).devices;
    expect(lf.length).toBeGreaterThan(0);
    expect(parseDshow(crlf(fixture(name))).devices).toEqual(lf);
  });

  it('skips lines that are not device lines, even when they arrive in the middle (e.g. a third-party filter writing to stderr)', () => {
    // The recorded listing, with the NSLog lines a CoreMediaIO plug-in printed in a recorded avfoundation listing spliced in.
    const lines = fixture('dshow-new-6.1.1-win11-virtual-cams-none-type.txt').split('\n');
    const foreign = fixture('avfoundation-indev-git2020-foreign-nslog-lines-partial.txt').split('\n').slice(0, 4);
    const mixed = [...lines.slice(0, 4), ...foreign, ...lines.slice(4)].join('\n');
    expect(parseDshow(mixed).devices).toEqual(parseDshow(lines.join('\n')).devices);
  });
});
