import { wordlist } from '@scure/bip39/wordlists/english.js';

/** Words in a new meeting code: 6 of BIP-39's 2048 words (11 bits each) make 66 bits. */
export const CODE_WORDS = 6;
/** Bits of a new code: far too many to walk, even fast ("ocean-ladder-fancy-drip-carbon-tower"). */
export const CODE_BITS = CODE_WORDS * Math.log2(wordlist.length);

/**
 * A new meeting code people can read aloud and type: six common English words, each from a list
 * of 2048 whose first four letters tell them apart, chosen by `random`: the platform's CSPRNG
 * (crypto.getRandomValues in the renderer, node:crypto in the main process), which fills the array.
 */
export function readableMeetingCode(random: (values: Uint16Array) => Uint16Array): string {
  const values = random(new Uint16Array(CODE_WORDS));
  // 2048 divides 65536: the low 11 bits of a uniform 16-bit value are uniform.
  return Array.from(values, (value) => wordlist[value % wordlist.length]!).join('-');
}

/** The code as the server will see it (its room rule), or null when it cannot be one. */
export function normalizeMeetingCode(input: string): string | null {
  const code = input.trim().toLowerCase().replace(/\s+/g, '-');
  return /^[a-z0-9][a-z0-9_-]{0,63}$/.test(code) ? code : null;
}
