import type { FfmpegBackend } from '@shared/ipc/devices';

export type { FfmpegBackend };

/** What a device captures, as FFmpeg lists it. */
export type FfmpegDeviceKind = 'video' | 'audio' | 'screen';

/** A USB device's vendor and product ids, lower-case hex ("046d", "085e"). */
export interface UsbId {
  vendorId: string;
  productId: string;
}

/** One capture device as FFmpeg sees it: the single model every backend's parser produces. */
export interface FfmpegDevice {
  kind: FfmpegDeviceKind;
  backend: FfmpegBackend;
  /** What FFmpeg opens: dshow's "Alternative name" (else the name), an avfoundation index, a /dev path, a PulseAudio or ALSA name. */
  id: string;
  /** The display name exactly as FFmpeg printed it (trailing spaces kept). */
  name: string;
  /** The backend marked it as the default (`*` in `-sources` listings). */
  isDefault: boolean;
  /** From a dshow PnP path (`usb#vid_046d&pid_085e`) when printed. */
  usb?: UsbId;
  /** dshow listed it with no media type `(none)`: in use elsewhere, or a virtual camera whose source is not running. */
  inactive?: boolean;
}

/** What one parser found in one listing. */
export interface ParsedListing {
  devices: FfmpegDevice[];
  /** FFmpeg said it could not list (e.g. "Cannot list sources: …"), or null. */
  error: string | null;
}

/** Splits output into lines, whatever the line endings (Windows stderr uses CRLF). */
export function outputLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/** The part of an av_log line after its `[class @ 0x…] ` prefix, or null for a line without one. */
export function withoutLogPrefix(line: string): string | null {
  const match = /^\[[^[\]]+ @ (?:0x)?[0-9a-fA-F]+\] ?/.exec(line);
  return match ? line.slice(match[0].length) : null;
}
