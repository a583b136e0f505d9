import { z } from 'zod';
import { LIMITS } from './limits.js';

/** The shortest passcode a meeting may have: guessing a longer one through a rate limit takes too long to be worth it. */
export const MIN_PASSCODE_CHARS = 8;

/** A meeting passcode as people type it, when it is set. */
export const PasscodeSchema = z
  .string()
  .min(MIN_PASSCODE_CHARS, `a passcode has at least ${MIN_PASSCODE_CHARS} characters`)
  .max(LIMITS.maxPasscodeChars, `a passcode has at most ${LIMITS.maxPasscodeChars} characters`);
