import { randomFillSync } from 'node:crypto';
import { normalizeMeetingCode, readableMeetingCode } from '@shared/meeting-code';

/** A new meeting code, hard to guess and easy to read aloud, the same shape the app's home screen makes. */
export function hostedMeetingCode(): string {
  return readableMeetingCode((values) => randomFillSync(values));
}

/** The code as the server will see it, or null when it cannot be one (the server's room rule). */
export const normalizeCode = normalizeMeetingCode;
