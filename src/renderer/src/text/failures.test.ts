import { describe, expect, it } from 'vitest';
import { SignalingError } from '../call/signaling-client';
import { DesktopError } from '@shared/ipc/result';
import { failureText, hostingFailureText, refusalText } from './failures';
import { applyLanguage } from './i18n';

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

describe("the desktop app's hosting and invite failures", () => {
  const invalid = (details: Record<string, string>) => new DesktopError('invalid-invite', 'main says it in English', details);
  const mismatch = new DesktopError('certificate-refused', 'x', { host: '192.168.1.20:8443', expected: 'AA:BB', presented: 'CC:DD' });

  it("are worded from their codes and details (in English, as main's own messages say it)", () => {
    expect(hostingFailureText(invalid({ problem: 'not-a-url', what: 'link' }))).toBe(
      'That is not a meeting link: paste the whole link, starting with https://',
    );
    expect(hostingFailureText(invalid({ problem: 'not-http', what: 'server' }))).toBe('A server address starts with https:// or http://');
    expect(hostingFailureText(invalid({ problem: 'bad-code' }))).toBe('A meeting code uses Latin letters (a–z), digits and dashes, like ocean-ladder-fancy.');
    expect(hostingFailureText(new DesktopError('unreachable', 'x', { host: '127.0.0.1:9', reason: 'cannot reach 127.0.0.1:9: connect ECONNREFUSED' }))).toBe(
      'Cannot reach the meeting server at 127.0.0.1:9: cannot reach 127.0.0.1:9: connect ECONNREFUSED',
    );
    expect(hostingFailureText(mismatch)).toBe(
      'The server at 192.168.1.20:8443 presented a different certificate than the invite expects (expected AA:BB, got CC:DD). Someone may be intercepting the connection; not connecting.',
    );
    expect(hostingFailureText(new DesktopError('hosting-failed', 'x', { reason: 'listen EADDRINUSE' }))).toBe('Could not host the meeting: listen EADDRINUSE');
  });

  it('are worded in Russian when the app speaks Russian', () => {
    applyLanguage('ru');
    try {
      expect(hostingFailureText(invalid({ problem: 'not-a-url', what: 'link' }))).toBe('Это не ссылка на встречу: вставьте ссылку целиком, начиная с https://');
      expect(hostingFailureText(invalid({ problem: 'has-credentials', what: 'server' }))).toBe('В адресе сервера не бывает имени пользователя и пароля');
      expect(hostingFailureText(invalid({ problem: 'no-code' }))).toBe(
        'В этой ссылке нет кода встречи. Попросите ссылку-приглашение или введите код и адрес сервера.',
      );
      expect(hostingFailureText(new DesktopError('certificate-refused', 'x', { host: 'h:1', expected: 'AA:BB', presented: null }))).toBe(
        'Сервер h:1 не предъявил сертификата, а приглашение ожидает AA:BB. Подключение отменено.',
      );
      expect(hostingFailureText(new DesktopError('hosting-failed', 'x', { reason: 'listen EADDRINUSE' }))).toBe('Не удалось начать встречу: listen EADDRINUSE');
    } finally {
      applyLanguage('en');
    }
  });

  it('leave anything else, or details that do not fit, to the caller', () => {
    expect(hostingFailureText(new Error('boom'))).toBeNull();
    expect(hostingFailureText(new DesktopError('internal', 'boom'))).toBeNull();
    expect(hostingFailureText(invalid({ problem: 'something-new' }))).toBeNull();
    expect(hostingFailureText(new DesktopError('unreachable', 'x'))).toBeNull();
  });
});
