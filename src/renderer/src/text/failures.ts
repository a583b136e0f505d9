import type { ErrorCode } from '@roundtable/signaling-server/protocol';
import { readHostingFailure, type InviteProblem } from '@shared/ipc/hosting';
import { t, type TextKey } from './i18n';

type Refusal = ErrorCode | 'timeout' | 'disconnected' | 'bad-reply';

/** What went wrong, in words for the person using the app: from the server's code, never its own (developer) message. */
const REFUSALS: Record<Refusal, TextKey> = {
  'invalid-payload': 'failures.invalid-payload',
  'payload-too-large': 'failures.payload-too-large',
  'unknown-event': 'failures.unknown-event',
  'version-mismatch': 'failures.version-mismatch',
  'not-in-room': 'failures.not-in-room',
  'already-in-room': 'failures.already-in-room',
  'not-found': 'failures.not-found',
  'rate-limited': 'failures.rate-limited',
  'room-full': 'failures.room-full',
  forbidden: 'failures.forbidden',
  locked: 'failures.locked',
  'passcode-required': 'failures.passcode-required',
  'passcode-wrong': 'failures.passcode-wrong',
  banned: 'failures.banned',
  'quota-exceeded': 'failures.quota-exceeded',
  busy: 'failures.busy',
  internal: 'failures.internal',
  timeout: 'failures.timeout',
  disconnected: 'failures.disconnected',
  'bad-reply': 'failures.bad-reply',
};

/** An error from the signaling client (or anything else that has a `code`). */
interface Coded {
  code: string;
  retryAfterMs?: number;
}

/** "You can try again in 4 s." when the server says when. */
function whenToRetry(ms: number | undefined): string {
  return ms === undefined || ms <= 0 ? '' : ` ${t('failures.retryIn', { seconds: Math.max(1, Math.ceil(ms / 1000)) })}`;
}

const hasCode = (error: unknown): error is Coded & Error => error instanceof Error && 'code' in error && typeof (error as { code: unknown }).code === 'string';

/**
 * The sentence to show for a failure, in the current language. A refusal of the meeting server is
 * worded from its code; any other error (the camera, the app itself) already speaks to people, and
 * is shown as it is.
 */
export function failureText(error: unknown): string {
  if (hasCode(error) && Object.hasOwn(REFUSALS, error.code)) {
    const when = whenToRetry(error.retryAfterMs);
    if (error.code === 'rate-limited' && when) return `${t('failures.tooManyTries')}${when}`;
    const text = t(REFUSALS[error.code as Refusal]);
    return error.code === 'passcode-wrong' ? `${text}${when}` : text;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The sentence for a refusal known only by its code (kept with a chat message, for example). */
export function refusalText(code: string): string {
  return t(Object.hasOwn(REFUSALS, code) ? REFUSALS[code as Refusal] : REFUSALS.internal);
}

const INVITE_PROBLEMS: Record<InviteProblem, TextKey> = {
  'not-a-url': 'desktopFailures.notAUrl',
  'not-http': 'desktopFailures.notHttp',
  'has-credentials': 'desktopFailures.hasCredentials',
  'no-code': 'desktopFailures.noCode',
  'damaged-fingerprint': 'desktopFailures.damagedFingerprint',
  'pin-without-https': 'desktopFailures.pinWithoutHttps',
  'bad-code': 'desktopFailures.badCode',
};

/**
 * Why hosting or an invite link failed in the desktop app, in the current language: worded from the
 * error's code and details (main's message is English, for logs). Null for any other error.
 */
export function hostingFailureText(error: unknown): string | null {
  const failure = readHostingFailure(error);
  switch (failure?.code) {
    case undefined:
      return null;
    case 'invalid-invite':
      return t(INVITE_PROBLEMS[failure.problem], { what: failure.what ?? 'link' });
    case 'unreachable':
      return t('desktopFailures.unreachable', { host: failure.host, reason: failure.reason });
    case 'certificate-refused':
      return failure.presented === null
        ? t('desktopFailures.noCertificate', { host: failure.host, expected: failure.expected })
        : t('desktopFailures.certificateMismatch', { host: failure.host, expected: failure.expected, presented: failure.presented });
    case 'hosting-failed':
      return t('desktopFailures.couldNotHost', { reason: failure.reason });
  }
}
