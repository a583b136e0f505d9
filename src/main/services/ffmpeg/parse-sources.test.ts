import { describe, expect, it } from 'vitest';
import type { FfmpegDevice } from './device';
import { parseSources } from './parse-sources';
import { crlf, fixture } from './test-support/fixtures';

const brief = (devices: FfmpegDevice[]) => devices.map((d) => `${d.isDefault ? '*' : ' '} ${d.kind} ${d.id} [${d.name}]`);

describe('-sources listings (v4l2, pulse, alsa)', () => {
  it('pulse: reads the default marker, monitor sources, non-Latin names and nested parentheses', () => {
    const { devices, error } = parseSources(fixture('pulse-local-ffmpeg5.1-nonlatin-nested-parens.txt'), 'pulse');
    expect(error).toBeNull();
    expect(brief(devices)).toEqual([
      '  audio rt_null.monitor [Monitor of Null Output]',
      '  audio rt_usb.monitor [Monitor of Microphone (2- USB Audio Device)]',
      '* audio rt_mic [麦克风 (Realtek High Definition Audio)]',
      '  audio rt_ru [Микрофон (Realtek(R) Audio)]',
    ]);
    expect(devices.every((d) => d.backend === 'pulse')).toBe(true);
  });

  it('pulse: keeps brackets and a trailing space inside a description', () => {
    const { devices } = parseSources(fixture('pulse-local-ffmpeg5.1-brackets-trailing-space.txt'), 'pulse');
    expect(devices.at(-1)).toEqual({ kind: 'audio', backend: 'pulse', id: 'rt_trail', name: 'USB Mic [Front] ', isDefault: false });
  });

  it('pulse: a single default monitor, a default that is not first, and "Cannot list sources" as an error', () => {
    expect(brief(parseSources(fixture('pulse-local-ffmpeg5.1-single-default-monitor.txt'), 'pulse').devices)).toEqual([
      '* audio rt_null.monitor [Monitor of Null Output]',
    ]);
    expect(brief(parseSources(fixture('pulse-sources-ffmpeg5plus-xrdp-default-not-first.txt'), 'pulse').devices)).toEqual([
      '  audio RDPSink.monitor [Monitor of RDP Sink]',
      '* audio RDPSource [RDP Source]',
    ]);
    expect(parseSources(fixture('pulse-local-ffmpeg5.1-no-server-error.txt'), 'pulse')).toEqual({ devices: [], error: 'Generic error in an external library' });
  });

  it('v4l2: one camera with two nodes, the pre-5 format without media types (and with its indentation lost), and no devices', () => {
    expect(brief(parseSources(fixture('v4l2-sources-ffmpeg5plus-brio-two-nodes.txt'), 'v4l2').devices)).toEqual([
      '  video /dev/video1 [Logitech BRIO]',
      '  video /dev/video0 [Logitech BRIO]',
    ]);
    expect(brief(parseSources(fixture('v4l2-sources-pre5-no-suffix-indent-stripped.txt'), 'v4l2').devices)).toEqual([
      '  video /dev/video1 [GENERAL WEBCAM: GENERAL WEBCAM]',
      '  video /dev/video0 [GENERAL WEBCAM: GENERAL WEBCAM]',
    ]);
    expect(parseSources(fixture('v4l2-local-ffmpeg5.1-no-devices.txt'), 'v4l2')).toEqual({ devices: [], error: null });
  });

  it('alsa: a default in the middle, descriptions with parentheses and commas, names with ":", "=" and ","', () => {
    const withPulse = parseSources(fixture('alsa-local-ffmpeg5.1-default-marker-pulse-plugin.txt'), 'alsa').devices;
    expect(withPulse).toHaveLength(11);
    expect(withPulse.filter((d) => d.isDefault).map((d) => d.id)).toEqual(['default']);
    expect(withPulse.find((d) => d.id === 'upmix')?.name).toBe('Plugin for channel upmix (4,6,8)');
    expect(parseSources(fixture('alsa-local-ffmpeg5.1-no-hardware-plugins-only.txt'), 'alsa').devices.some((d) => d.isDefault)).toBe(false);
    expect(brief(parseSources(fixture('alsa-sources-pre5-usb-mic-indent-stripped.txt'), 'alsa').devices).slice(1, 4)).toEqual([
      '  audio hw:CARD=Snowflake,DEV=0 [Direct hardware device without any conversions]',
      '  audio plughw:CARD=Snowflake,DEV=0 [Hardware device with all software conversions]',
      '  audio default:CARD=Snowflake [Default Audio Device]',
    ]);
  });

  it('reads the same with CRLF line endings', () => {
    for (const [name, backend] of [
      ['pulse-local-ffmpeg5.1-brackets-trailing-space.txt', 'pulse'],
      ['alsa-local-ffmpeg5.1-default-marker-pulse-plugin.txt', 'alsa'],
      ['v4l2-sources-ffmpeg5plus-brio-two-nodes.txt', 'v4l2'],
    ] as const) {
      expect(parseSources(crlf(fixture(name)), backend)).toEqual(parseSources(fixture(name), backend));
    }
  });
});
