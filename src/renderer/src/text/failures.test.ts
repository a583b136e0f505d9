import { describe, expect, it } from 'vitest';
import { SignalingError } from '../call/signaling-client';
import { failureText, refusalText } from './failures';

describe('failure text', () => {
  it("words the server's refusals from their codes, never its own lower-case message", () => {
    const refusal = new SignalingError('passcode-required', 'this meeting needs a passcode');
    expect(failureText(refusal)).toBe('This meeting has a passcode. Enter it to join.');
    expect(failureText(new SignalingError('banned', 'the host removed you from this meeting'))).toMatch(/^The host removed you/);
    for (const code of ['rate-limited', 'room-full', 'locked', 'passcode-wrong', 'timeout', 'internal'] as const) {
      const text = failureText(new SignalingError(code, 'raw server words'));
      expect(text).not.toContain('raw server words');
      expect(text).toMatch(/^[A-Z].*[.…]$/);
    }
  });

  it('says when to try again, when the server says', () => {
    expect(failureText(new SignalingError('passcode-wrong', 'wrong passcode (next try in 2 s)', 2000))).toBe(
      'That passcode is not right. Check it with the host. You can try again in 2 s.',
    );
    expect(failureText(new SignalingError('rate-limited', 'x', 3400))).toBe('Too many tries in a short time. You can try again in 4 s.');
  });

  it('shows other errors as they are, and an unknown code as a problem of the server', () => {
    expect(failureText(new Error('Could not open the camera.'))).toBe('Could not open the camera.');
    expect(refusalText('something-new')).toBe('The meeting server ran into a problem. Try again.');
    expect(refusalText('quota-exceeded')).toBe("The meeting's chat is full.");
  });
});
