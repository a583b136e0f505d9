import { outputLines, withoutLogPrefix, type FfmpegDevice, type FfmpegDeviceKind, type ParsedListing, type UsbId } from './device';

/**
 * Parses `ffmpeg -hide_banner -list_devices true -f dshow -i dummy` (stderr). Both formats:
 *
 * - before FFmpeg 5: `DirectShow video devices` / `DirectShow audio devices` section headers, then
 *   ` "Name"` and `    Alternative name "@device_…"` lines;
 * - FFmpeg 5 and later: `"Name" (video)`, `(audio)`, `(video, audio)` or `(none)`, then
 *   `  Alternative name "…"`.
 *
 * Only lines with an av_log prefix count (`[dshow @ …]`, and `[in#0 @ …]` in recent builds);
 * banners, trailers and anything a third-party filter prints in between are skipped.
 */
export function parseDshow(output: string): ParsedListing {
  const devices: FfmpegDevice[] = [];
  let section: FfmpegDeviceKind | null = null;
  /** The devices made from the last name line, waiting for their Alternative name. */
  let pending: FfmpegDevice[] = [];

  for (const line of outputLines(output)) {
    const text = withoutLogPrefix(line);
    if (text === null) continue;

    const header = /^DirectShow (video|audio) devices/.exec(text);
    if (header) {
      section = header[1] === 'video' ? 'video' : 'audio';
      pending = [];
      continue;
    }

    const alternative = /^\s+Alternative name "(.*)"\s*$/.exec(text);
    if (alternative) {
      const id = alternative[1]!;
      if (pending.length > 0) {
        for (const device of pending) attachAlternativeName(device, id);
        pending = [];
      } else {
        // An Alternative name with no name line before it: the device exists, FFmpeg just did not name it.
        const kind = kindOfMoniker(id) ?? section ?? 'video';
        devices.push(withUsb({ kind, backend: 'dshow', id, name: `Unnamed ${kind} device`, isDefault: false }, id));
      }
      continue;
    }

    const named = /^\s?"(.*)"(?: \((none|(?:video|audio)(?:, (?:video|audio))*)\))?\s*$/.exec(text);
    if (named) {
      const name = named[1]!;
      const types = named[2];
      const made: FfmpegDevice[] = [];
      if (types === undefined) {
        made.push({ kind: section ?? 'video', backend: 'dshow', id: name, name, isDefault: false });
      } else if (types === 'none') {
        made.push({ kind: section ?? 'video', backend: 'dshow', id: name, name, isDefault: false, inactive: true });
      } else {
        for (const type of new Set(types.split(', ')))
          made.push({ kind: type === 'audio' ? 'audio' : 'video', backend: 'dshow', id: name, name, isDefault: false });
      }
      devices.push(...made);
      pending = made;
      continue;
    }
    // Anything else ("Could not enumerate…", "Error opening input…") says nothing about a device.
  }
  return { devices, error: null };
}

function attachAlternativeName(device: FfmpegDevice, id: string): void {
  device.id = id;
  // A `(none)` device says nothing of its kind; its moniker's category does.
  if (device.inactive) device.kind = kindOfMoniker(id) ?? device.kind;
  withUsb(device, id);
}

/** DirectShow category GUIDs in a device moniker tell video from audio. */
function kindOfMoniker(moniker: string): 'video' | 'audio' | null {
  const m = moniker.toLowerCase();
  // CLSID_AudioInputDeviceCategory, or a waveIn endpoint.
  if (m.includes('33d9a762-90c8-11d0-bd43-00a0c911ce86') || m.includes('\\wave_')) return 'audio';
  // CLSID_VideoInputDeviceCategory, or KSCATEGORY_CAPTURE on a PnP camera.
  if (m.includes('860bb310-5d01-11d0-bd3b-00a0c911ce86') || (m.startsWith('@device_pnp_') && m.includes('65e8773d-8f56-11d0-a3b9-00a0c9223196')))
    return 'video';
  return null;
}

function withUsb(device: FfmpegDevice, moniker: string): FfmpegDevice {
  const usb = usbIdOf(moniker);
  if (usb) device.usb = usb;
  return device;
}

/** `usb#vid_046d&pid_085e&mi_00#…` → { vendorId: '046d', productId: '085e' }. */
export function usbIdOf(moniker: string): UsbId | undefined {
  const match = /vid_([0-9a-f]{4})&pid_([0-9a-f]{4})/i.exec(moniker);
  return match ? { vendorId: match[1]!.toLowerCase(), productId: match[2]!.toLowerCase() } : undefined;
}
