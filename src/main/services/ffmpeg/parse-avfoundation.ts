import { outputLines, withoutLogPrefix, type FfmpegDevice, type ParsedListing } from './device';

/**
 * Parses `ffmpeg -hide_banner -f avfoundation -list_devices true -i ""` (stderr): an
 * `AVFoundation video devices:` list and an `AVFoundation audio devices:` list of `[index] name`
 * lines, each prefixed with `[AVFoundation input device @ 0x…]` (before FFmpeg 4.3) or
 * `[AVFoundation indev @ 0x…]`. "Capture screen N" entries are screens. FFmpeg opens a device by
 * its index within its list. NSLog lines from CoreMediaIO plug-ins and the trailer are skipped.
 */
export function parseAvfoundation(output: string): ParsedListing {
  const devices: FfmpegDevice[] = [];
  let section: 'video' | 'audio' | null = null;
  for (const line of outputLines(output)) {
    const text = withoutLogPrefix(line);
    // FFmpeg 3.4 printed the first header without a prefix.
    const header = /^AVFoundation (video|audio) devices:\s*$/.exec(text ?? line);
    if (header) {
      section = header[1] === 'video' ? 'video' : 'audio';
      continue;
    }
    if (text === null || section === null) continue;
    const entry = /^\[(\d+)\] (.*)$/.exec(text);
    if (!entry) continue;
    const [, index, name] = entry as unknown as [string, string, string];
    const kind = section === 'audio' ? 'audio' : /^Capture screen \d+$/.test(name) ? 'screen' : 'video';
    devices.push({ kind, backend: 'avfoundation', id: index, name, isDefault: false });
  }
  return { devices, error: null };
}
