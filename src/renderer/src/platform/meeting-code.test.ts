import { describe, expect, it } from 'vitest';
import { CODE_BITS, readableMeetingCode } from '@shared/meeting-code';
import { newMeetingCode, normalizeMeetingCode } from './meeting-code';

describe('meeting codes', () => {
  it('are six readable words the server accepts, at least 64 bits from the CSPRNG', () => {
    expect(CODE_BITS).toBeGreaterThanOrEqual(64);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i += 1) {
      const code = newMeetingCode();
      expect(code).toMatch(/^[a-z]{3,8}(-[a-z]{3,8}){5}$/);
      expect(normalizeMeetingCode(code)).toBe(code);
      seen.add(code);
    }
    expect(seen.size).toBe(500);
  });

  it('use every word of the list, chosen from the random values given', () => {
    const words = new Set<string>();
    for (let start = 0; start < 2048; start += 6) {
      const code = readableMeetingCode((values) => values.map((_, i) => start + i));
      for (const word of code.split('-')) words.add(word);
    }
    expect(words.size).toBe(2048);
    // The same values make the same code: nothing else (Math.random) is mixed in.
    expect(readableMeetingCode((v) => v.fill(7))).toBe(readableMeetingCode((v) => v.fill(7 + 2048)));
  });

  it('normalizes what people type, and rejects what cannot be a code', () => {
    expect(normalizeMeetingCode('  Calm Otter 42 ')).toBe('calm-otter-42');
    expect(normalizeMeetingCode('')).toBeNull();
    expect(normalizeMeetingCode('a/b')).toBeNull();
    expect(normalizeMeetingCode('x'.repeat(65))).toBeNull();
  });
});
