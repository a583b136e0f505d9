const ADJECTIVES = [
  'amber',
  'brave',
  'calm',
  'clever',
  'cosy',
  'eager',
  'gentle',
  'golden',
  'happy',
  'jolly',
  'kind',
  'lucky',
  'merry',
  'misty',
  'noble',
  'proud',
  'quiet',
  'rapid',
  'sunny',
  'swift',
  'tidy',
  'vivid',
  'warm',
  'witty',
];
const NOUNS = [
  'badger',
  'cedar',
  'comet',
  'delta',
  'falcon',
  'fjord',
  'garden',
  'harbor',
  'heron',
  'island',
  'lantern',
  'maple',
  'meadow',
  'otter',
  'panda',
  'pebble',
  'pine',
  'river',
  'robin',
  'sparrow',
  'summit',
  'tiger',
  'valley',
  'willow',
];

/** A meeting code people can read aloud: "calm-otter-42". */
export function newMeetingCode(random: () => number = Math.random): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const number = 10 + Math.floor(random() * 90);
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${number}`;
}

/** The code as the server will see it, or null when it cannot be one. */
export function normalizeMeetingCode(input: string): string | null {
  const code = input.trim().toLowerCase().replace(/\s+/g, '-');
  return /^[a-z0-9][a-z0-9_-]{0,63}$/.test(code) ? code : null;
}
