import { describe, expect, it } from 'vitest';
import { deviceNote, readDeviceNote, type DeviceNoteKind } from './device-notes';

describe('device notes', () => {
  it('read back as the note each sentence was made from (so menus and pickers can word it in any language)', () => {
    const kinds: DeviceNoteKind[] = ['ffmpegMisses', 'throughFfmpeg', 'addedSource', 'checking', 'inUse', 'notExposed', 'systemDefault', 'communications'];
    for (const kind of kinds) expect(readDeviceNote(deviceNote(kind))).toEqual({ kind });
    for (const kind of ['macosPrivacy', 'windowsPrivacy', 'notAllowed'] as const) {
      for (const role of ['camera', 'microphone', 'speaker'] as const) expect(readDeviceNote(deviceNote(kind, role))).toEqual({ kind, role });
    }
    expect(readDeviceNote('Logitech BRIO')).toBeNull();
  });
});
