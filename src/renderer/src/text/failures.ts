import type { ErrorCode } from '@roundtable/signaling-server/protocol';

/** What went wrong, in words for the person using the app: from the server's code, never its own (developer) message. */
const REFUSALS: Record<ErrorCode | 'timeout' | 'disconnected' | 'bad-reply', string> = {
  'invalid-payload': 'The meeting server did not accept that. Check what you typed and try again.',
  'payload-too-large': 'That is too big to send.',
  'unknown-event': 'The meeting server does not know this request: it may run another version of Roundtable.',
  'version-mismatch': 'This app and the meeting server are different versions of Roundtable. Update the older one.',
  'not-in-room': 'You are not in the meeting (any more).',
  'already-in-room': 'You are already joining a meeting. Wait a moment.',
  'not-found': 'That person or meeting is no longer there.',
  'rate-limited': 'Too many tries in a short time. Wait a moment, then try again.',
  'room-full': 'The meeting is full.',
  forbidden: 'Only the host can do that.',
  locked: 'The host has locked the meeting: nobody new can join.',
  'passcode-required': 'This meeting has a passcode. Enter it to join.',
  'passcode-wrong': 'That passcode is not right. Check it with the host.',
  banned: 'The host removed you from this meeting. You can join again only if the host lets you back in.',
  'quota-exceeded': "The meeting's chat is full.",
  busy: 'The meeting server is busy. Try again in a moment.',
  internal: 'The meeting server ran into a problem. Try again.',
  timeout: 'The meeting server did not answer in time. Check the connection and try again.',
  disconnected: 'You are not connected to the meeting server. Reconnecting…',
  'bad-reply': 'The meeting server sent an answer this app does not understand.',
};

/** An error from the signaling client (or anything else that has a `code`). */
interface Coded {
  code: string;
  retryAfterMs?: number;
}

/** "Try again in 4 s." when the server says when. */
function whenToRetry(ms: number | undefined): string {
  return ms === undefined || ms <= 0 ? '' : ` You can try again in ${Math.max(1, Math.ceil(ms / 1000))} s.`;
}

const hasCode = (error: unknown): error is Coded & Error => error instanceof Error && 'code' in error && typeof (error as { code: unknown }).code === 'string';

/**
 * The sentence to show for a failure. A refusal of the meeting server is worded from its code;
 * any other error (the camera, the app itself) already speaks to people, and is shown as it is.
 */
export function failureText(error: unknown): string {
  if (hasCode(error) && Object.hasOwn(REFUSALS, error.code)) {
    const when = whenToRetry(error.retryAfterMs);
    if (error.code === 'rate-limited' && when) return `Too many tries in a short time.${when}`;
    const text = REFUSALS[error.code as keyof typeof REFUSALS];
    return error.code === 'passcode-wrong' ? `${text}${when}` : text;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The sentence for a refusal known only by its code (kept with a chat message, for example). */
export function refusalText(code: string): string {
  return Object.hasOwn(REFUSALS, code) ? REFUSALS[code as keyof typeof REFUSALS] : REFUSALS.internal;
}
