/** Words for meeting codes people can read aloud: "calm-otter-42". */
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
] as const;
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
] as const;

/**
 * A readable meeting code. `pick(n)` returns a whole number in [0, n): Math.random in the renderer,
 * crypto's randomInt in the main process.
 */
export function readableMeetingCode(pick: (n: number) => number): string {
  return `${ADJECTIVES[pick(ADJECTIVES.length)]}-${NOUNS[pick(NOUNS.length)]}-${10 + pick(90)}`;
}

/** The code as the server will see it (its room rule), or null when it cannot be one. */
export function normalizeMeetingCode(input: string): string | null {
  const code = input.trim().toLowerCase().replace(/\s+/g, '-');
  return /^[a-z0-9][a-z0-9_-]{0,63}$/.test(code) ? code : null;
}
