import { readableMeetingCode } from '@shared/meeting-code';

export { normalizeMeetingCode } from '@shared/meeting-code';

/** A new meeting code, hard to guess and easy to read aloud (see @shared/meeting-code). */
export function newMeetingCode(): string {
  return readableMeetingCode((values) => crypto.getRandomValues(values));
}
