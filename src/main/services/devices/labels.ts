import type { UsbId } from '../ffmpeg/device';

/** Chromium appends a USB camera's model id to its label: "HD Webcam C525 (046d:0826)". */
const CHROMIUM_USB_SUFFIX = /\s*\(([0-9a-f]{4}):([0-9a-f]{4})\)\s*$/i;

/** The USB vid:pid Chromium put in a label, if any. */
export function usbIdFromLabel(label: string): UsbId | undefined {
  const match = CHROMIUM_USB_SUFFIX.exec(label);
  return match ? { vendorId: match[1]!.toLowerCase(), productId: match[2]!.toLowerCase() } : undefined;
}

/**
 * A label reduced to what both sides agree on: Unicode compatibility forms folded (full-width
 * parentheses), Chromium's "(vid:pid)" suffix and "Default - " / "Communications - " prefixes
 * removed, case, typographic quotes and runs of spaces evened out, ends trimmed.
 */
export function normalizeLabel(label: string): string {
  return label
    .normalize('NFKC')
    .replace(CHROMIUM_USB_SUFFIX, '')
    .replace(/^(?:default|communications) - /i, '')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Same device by name: equal, or one cut short (old DirectShow names stop at 31 characters). */
export function labelsAgree(a: string, b: string, allowPrefix: boolean): boolean {
  if (a === b) return a.length > 0;
  if (!allowPrefix) return false;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 8 && long.startsWith(short);
}
