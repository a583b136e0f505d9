import { randomInt } from 'node:crypto';

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

/** A meeting code people can read aloud ("calm-otter-42"), the same shape the app's home screen makes. */
export function hostedMeetingCode(random: (max: number) => number = randomInt): string {
  return `${ADJECTIVES[random(ADJECTIVES.length)]}-${NOUNS[random(NOUNS.length)]}-${10 + random(90)}`;
}

/** The code as the server will see it, or null when it cannot be one (the server's room rule). */
export function normalizeCode(input: string): string | null {
  const code = input.trim().toLowerCase().replace(/\s+/g, '-');
  return /^[a-z0-9][a-z0-9_-]{0,63}$/.test(code) ? code : null;
}
