import { describe, expect, it } from 'vitest';
import { newMeetingCode, normalizeMeetingCode } from './meeting-code';

describe('meeting codes', () => {
  it('are readable words and a number that the server accepts', () => {
    for (let i = 0; i < 200; i += 1) {
      const code = newMeetingCode();
      expect(code).toMatch(/^[a-z]+-[a-z]+-\d{2}$/);
      expect(normalizeMeetingCode(code)).toBe(code);
    }
  });

  it('normalizes what people type, and rejects what cannot be a code', () => {
    expect(normalizeMeetingCode('  Calm Otter 42 ')).toBe('calm-otter-42');
    expect(normalizeMeetingCode('')).toBeNull();
    expect(normalizeMeetingCode('a/b')).toBeNull();
    expect(normalizeMeetingCode('x'.repeat(65))).toBeNull();
  });
});
