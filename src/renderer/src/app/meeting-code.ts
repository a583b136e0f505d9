import { readableMeetingCode } from '@shared/meeting-code';

export { normalizeMeetingCode } from '@shared/meeting-code';

/** A meeting code people can read aloud: "calm-otter-42". */
export function newMeetingCode(random: () => number = Math.random): string {
  return readableMeetingCode((n) => Math.floor(random() * n));
}
