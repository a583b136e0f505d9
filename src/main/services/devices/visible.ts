import type { FfmpegDevice } from '../ffmpeg/device';

const ALSA_PREFERENCE = ['default:', 'sysdefault:', 'plughw:', 'hw:'];

/**
 * The FFmpeg devices worth showing a user. ALSA lists plug-ins (rate converters, `null`, `jack`…)
 * and several PCMs per card: when PulseAudio answered, ALSA adds nothing but duplicates; without
 * it, keep `default` and one entry per sound card. One V4L2 camera often has two nodes (capture and
 * metadata) with the same name: keep the lowest-numbered.
 */
export function visibleDevices(devices: readonly FfmpegDevice[], pulseAnswered: boolean): FfmpegDevice[] {
  const shown: FfmpegDevice[] = [];
  const cards = new Map<string, FfmpegDevice>();
  const cameras = new Map<string, FfmpegDevice>();
  for (const device of devices) {
    if (device.backend === 'alsa') {
      if (pulseAnswered) continue;
      if (device.id === 'default') {
        shown.push(device);
        continue;
      }
      const card = /CARD=([^,]+)/.exec(device.id)?.[1];
      if (!card) continue;
      const kept = cards.get(card);
      if (!kept || rank(device.id) < rank(kept.id)) {
        if (kept) shown.splice(shown.indexOf(kept), 1, device);
        else shown.push(device);
        cards.set(card, device);
      }
      continue;
    }
    if (device.backend === 'v4l2') {
      const kept = cameras.get(device.name);
      if (kept) {
        if (nodeNumber(device.id) < nodeNumber(kept.id)) {
          shown.splice(shown.indexOf(kept), 1, device);
          cameras.set(device.name, device);
        }
        continue;
      }
      cameras.set(device.name, device);
    }
    shown.push(device);
  }
  return shown;
}

function rank(id: string): number {
  const index = ALSA_PREFERENCE.findIndex((prefix) => id.startsWith(prefix));
  return index === -1 ? ALSA_PREFERENCE.length : index;
}

function nodeNumber(id: string): number {
  const match = /(\d+)$/.exec(id);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}
