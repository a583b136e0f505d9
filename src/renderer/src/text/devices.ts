import { readDeviceNote } from '@shared/device-notes';
import { t } from './i18n';

/** A device's note or made-up label as the catalogue wrote it (English), in the current language; anything else as it is. */
export function deviceWords(text: string): string;
export function deviceWords(text: string | null): string | null;
export function deviceWords(text: string | null): string | null {
  const note = text === null ? null : readDeviceNote(text);
  return note ? t(`devices.notes.${note.kind}`, { role: note.role ?? 'other' }) : text;
}
