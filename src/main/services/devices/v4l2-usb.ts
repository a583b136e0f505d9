import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FfmpegDevice, UsbId } from '../ffmpeg/device';

/**
 * A V4L2 node's USB vendor and product ids, from sysfs: `/sys/class/video4linux/videoN/device` is
 * the USB interface, and its parent holds `idVendor` and `idProduct` (what Chromium puts in its
 * labels as "(vid:pid)"). Undefined for a camera that is not on USB, or when sysfs says nothing.
 */
export async function v4l2UsbId(devicePath: string, sysRoot = '/sys'): Promise<UsbId | undefined> {
  const node = basename(devicePath);
  if (!/^video\d+$/.test(node)) return undefined;
  try {
    // Follow the link first: joining "device/.." would only strip a path segment.
    const usbDevice = dirname(await realpath(join(sysRoot, 'class', 'video4linux', node, 'device')));
    const [vendorId, productId] = await Promise.all([readFile(join(usbDevice, 'idVendor'), 'utf8'), readFile(join(usbDevice, 'idProduct'), 'utf8')]);
    const hex = /^[0-9a-f]{4}$/i;
    const v = vendorId.trim().toLowerCase();
    const p = productId.trim().toLowerCase();
    return hex.test(v) && hex.test(p) ? { vendorId: v, productId: p } : undefined;
  } catch {
    return undefined;
  }
}

/** Adds sysfs's USB ids to V4L2 devices (FFmpeg's `-sources v4l2` prints only the card name). */
export async function withV4l2UsbIds(devices: FfmpegDevice[], sysRoot = '/sys'): Promise<FfmpegDevice[]> {
  return Promise.all(
    devices.map(async (device) => {
      if (device.backend !== 'v4l2' || device.usb) return device;
      const usb = await v4l2UsbId(device.id, sysRoot);
      return usb ? { ...device, usb } : device;
    }),
  );
}
