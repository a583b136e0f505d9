import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSources } from '../ffmpeg/parse-sources';
import { fixture } from '../ffmpeg/test-support/fixtures';
import { matchDevices } from './match';
import { v4l2UsbId, withV4l2UsbIds } from './v4l2-usb';
import { visibleDevices } from './visible';

/** A sysfs tree shaped like Linux's: the class link points at the USB interface, whose parent holds the ids. */
function sysfs(nodes: Record<string, [string, string] | null>): string {
  const root = mkdtempSync(join(tmpdir(), 'rt-sysfs-'));
  for (const [node, ids] of Object.entries(nodes)) {
    const usbDevice = join(root, 'devices', 'pci0000:00', '0000:00:14.0', 'usb1', `1-${node.slice(5)}`);
    const usbInterface = join(usbDevice, `1-${node.slice(5)}:1.0`);
    mkdirSync(usbInterface, { recursive: true });
    if (ids) {
      writeFileSync(join(usbDevice, 'idVendor'), `${ids[0]}\n`);
      writeFileSync(join(usbDevice, 'idProduct'), `${ids[1]}\n`);
    }
    const classDir = join(root, 'class', 'video4linux', node);
    mkdirSync(classDir, { recursive: true });
    symlinkSync(usbInterface, join(classDir, 'device'));
  }
  return root;
}

describe('USB ids of V4L2 cameras', () => {
  it('come from sysfs, so a camera matches Chromium\'s "(vid:pid)" label even when its name differs', async () => {
    const root = sysfs({ video0: ['046D', '085e'], video1: ['046d', '085e'], video2: null });
    expect(await v4l2UsbId('/dev/video0', root)).toEqual({ vendorId: '046d', productId: '085e' });
    expect(await v4l2UsbId('/dev/video2', root)).toBeUndefined();
    expect(await v4l2UsbId('/dev/video9', root)).toBeUndefined();

    const ffmpeg = await withV4l2UsbIds(parseSources(fixture('v4l2-sources-ffmpeg5plus-brio-two-nodes.txt'), 'v4l2').devices, root);
    const entries = matchDevices({
      ffmpeg: visibleDevices(ffmpeg, false),
      ffmpegKnown: true,
      browser: [{ kind: 'videoinput', deviceId: 'b', label: 'BRIO 4K Stream Edition (046d:085e)', groupId: 'g' }],
      platform: 'linux',
    });
    expect(entries.camera).toMatchObject([{ label: 'BRIO 4K Stream Edition (046d:085e)', enabled: true, ffmpeg: { backend: 'v4l2', id: '/dev/video0' } }]);
  });
});
