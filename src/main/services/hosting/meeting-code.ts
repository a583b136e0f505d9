import { randomInt } from 'node:crypto';
import { normalizeMeetingCode, readableMeetingCode } from '@shared/meeting-code';

/** A meeting code people can read aloud ("calm-otter-42"), the same shape the app's home screen makes. */
export function hostedMeetingCode(random: (max: number) => number = randomInt): string {
  return readableMeetingCode(random);
}

/** The code as the server will see it, or null when it cannot be one (the server's room rule). */
export const normalizeCode = normalizeMeetingCode;
