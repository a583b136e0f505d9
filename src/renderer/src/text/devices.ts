import { readDeviceNote } from '@shared/device-notes';
import { FFMPEG_PROBLEM_KEYS, type FfmpegStatus } from '@shared/ipc/devices';
import { t } from './i18n';

/** A device's note or made-up label as the catalogue wrote it (English), in the current language; anything else as it is. */
export function deviceWords(text: string): string;
export function deviceWords(text: string | null): string | null;
export function deviceWords(text: string | null): string | null {
  const note = text === null ? null : readDeviceNote(text);
  return note ? t(`devices.notes.${note.kind}`, { role: note.role ?? 'other' }) : text;
}

/** What is wrong with FFmpeg, in the current language (its technical detail stays in `status.message`); null when nothing is. */
export function ffmpegNotice(status: FfmpegStatus): string | null {
  return status.problem ? t(`devices.ffmpeg.${FFMPEG_PROBLEM_KEYS[status.problem]}`) : null;
}
