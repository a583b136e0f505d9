import { describe, expect, it } from 'vitest';
import type { FfmpegDevice } from './device';
import { parseAvfoundation } from './parse-avfoundation';
import { crlf, fixture } from './test-support/fixtures';

const brief = (devices: FfmpegDevice[]) => devices.map((d) => `${d.kind} ${d.id} ${d.name}`);

describe('avfoundation listings', () => {
  it('reads the separate video and audio index lists, with screens as screens (new class name, FFmpeg 6.1+ trailer)', () => {
    const { devices } = parseAvfoundation(fixture('avfoundation-indev-ffmpeg6plus-brackets-in-name-in0-errors.txt'));
    expect(brief(devices)).toEqual([
      'video 0 FaceTime HD Camera',
      'screen 1 Capture screen 0',
      'audio 0 MacBook Pro Microphone',
      'audio 1 Microsoft Teams Audio',
      'audio 2 USB Audio [Line In]',
    ]);
    expect(devices.every((d) => d.backend === 'avfoundation' && !d.isDefault)).toBe(true);
  });

  it('keeps a typographic apostrophe and 9-digit addresses', () => {
    expect(brief(parseAvfoundation(fixture('avfoundation-indev-ffmpeg6plus-curly-apostrophe-iphone-mic.txt')).devices)).toEqual([
      'video 0 MacBook Pro Camera',
      'video 1 MacBook Pro Desk View Camera',
      'screen 2 Capture screen 0',
      'audio 0 Mason’s iPhone Microphone',
      'audio 1 External Microphone',
      'audio 2 MacBook Pro Microphone',
    ]);
  });

  it('skips NSLog lines a CoreMediaIO plug-in prints before and after the listing, and keeps an odd "[0] Description" name', () => {
    expect(brief(parseAvfoundation(fixture('avfoundation-indev-git2020-foreign-nslog-lines-partial.txt')).devices)).toEqual([
      'video 0 CamTwist',
      'video 1 FaceTime HD Camera (Built-in)',
      'video 2 CamTwist (2VUY)',
      'video 3 DV-VCR',
      'screen 4 Capture screen 0',
      'audio 0 Description',
      'audio 1 Jaybird Tarah Pro',
      'audio 2 Built-in Microphone',
    ]);
  });

  it('reads the old class name, with a first header printed without a prefix', () => {
    expect(brief(parseAvfoundation(fixture('avfoundation-oldprefix-3.4-first-header-unprefixed-camtwist-soundflower.txt')).devices)).toEqual([
      'video 0 CamTwist',
      'video 1 Built-in iSight',
      'video 2 CamTwist (2VUY)',
      'screen 3 Capture screen 0',
      'audio 0 Soundflower (64ch)',
      'audio 1 Built-in Microphone',
      'audio 2 Soundflower (2ch)',
      'audio 3 Built-in Input',
    ]);
  });

  it('skips the banner, reads two screens and an empty audio list', () => {
    expect(brief(parseAvfoundation(fixture('avfoundation-oldprefix-4.1-two-screens-empty-audio-section.txt')).devices)).toEqual([
      'video 0 FaceTime HD Camera',
      'screen 1 Capture screen 0',
      'screen 2 Capture screen 1',
    ]);
    expect(brief(parseAvfoundation(fixture('avfoundation-oldprefix-2.6.3-with-banner-partial.txt')).devices)).toEqual([
      'video 0 FaceTime HD Camera',
      'screen 1 Capture screen 0',
    ]);
  });

  it('keeps a localized name with no space before its parenthesis, and ignores the ": Input/output error" trailer', () => {
    expect(brief(parseAvfoundation(fixture('avfoundation-oldprefix-chinese-camera-name.txt')).devices)).toEqual([
      'video 0 FaceTime 高清摄像头(内建)',
      'screen 1 Capture screen 0',
      'audio 0 Built-in Microphone',
    ]);
    expect(brief(parseAvfoundation(fixture('avfoundation-oldprefix-empty-input-io-error-line.txt')).devices)).toEqual([
      'video 0 FaceTime HD Camera',
      'screen 1 Capture screen 0',
      'audio 0 Built-in Microphone',
    ]);
  });

  it('reads the same with CRLF line endings', () => {
    const name = 'avfoundation-indev-git2020-foreign-nslog-lines-partial.txt';
    expect(parseAvfoundation(crlf(fixture(name))).devices).toEqual(parseAvfoundation(fixture(name)).devices);
  });
});
