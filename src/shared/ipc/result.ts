import { z } from 'zod';
import { errorMessage } from '../errors';

/**
 * What every request channel answers: `{ ok: true, value }`, or an error envelope
 * `{ ok: false, error: { code, message, details? } }`. Main never throws across the bridge, so the
 * renderer sees the error as main made it (no "Error invoking remote method …" wrapping), with a
 * code the UI can word and details it can use.
 */
export const DESKTOP_ERROR_CODES = [
  /** The arguments do not fit the channel's schema; nothing was done. `details.issues` says where. */
  'invalid-arguments',
  /** The call came from a frame that may not use the desktop API (another origin, a sub-frame). */
  'forbidden-sender',
  /** The shell (or a test's stand-in) offers no handler for this channel. */
  'unavailable',
  /** Something the request names does not exist (a recording, a source, a screen). */
  'not-found',
  /** An invite link or server address that cannot be used; the message says why. */
  'invalid-invite',
  /** The meeting server could not be reached. */
  'unreachable',
  /** A server named without a fingerprint presented a certificate no authority vouches for; `details` has its fingerprint. */
  'untrusted-certificate',
  /** The server presented another certificate than the pinned one. */
  'certificate-refused',
  /** The meeting could not be hosted here (no port, no certificate…); `details.reason` is the system's own words. */
  'hosting-failed',
  /** Anything else; the message is the one main's code gave. */
  'internal',
] as const;
export type DesktopErrorCode = (typeof DESKTOP_ERROR_CODES)[number];

export const DesktopErrorInfoSchema = z.object({
  code: z.enum(DESKTOP_ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.json()).optional(),
});
/** An error as it crosses the bridge. */
export type DesktopErrorInfo = z.infer<typeof DesktopErrorInfoSchema>;
export type DesktopErrorDetails = NonNullable<DesktopErrorInfo['details']>;

export type IpcFailure = { ok: false; error: DesktopErrorInfo };
export type IpcResult<T> = { ok: true; value: T } | IpcFailure;

/**
 * An error with a code: thrown by main's handlers to choose the envelope's code, and thrown in the
 * renderer (by the desktop client) when a call fails.
 */
export class DesktopError extends Error {
  constructor(
    readonly code: DesktopErrorCode,
    message: string,
    readonly details?: DesktopErrorDetails,
  ) {
    super(message);
    this.name = 'DesktopError';
  }

  get info(): DesktopErrorInfo {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export function succeeded<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

/** The envelope of a thrown error: a DesktopError keeps its code and details, anything else is 'internal'. */
export function failed(error: unknown): IpcFailure {
  if (error instanceof DesktopError) return { ok: false, error: error.info };
  return { ok: false, error: { code: 'internal', message: errorMessage(error) } };
}

/** The value of a result envelope; throws the DesktopError it carries (or one saying the answer was malformed). */
export function unwrap<T>(result: IpcResult<T>): T {
  // (A void result may arrive as `{ ok: true }`: a serializer such as JSON drops an undefined value.)
  if (typeof result === 'object' && result !== null && result.ok === true) return result.value;
  const error = DesktopErrorInfoSchema.safeParse(typeof result === 'object' && result !== null && result.ok === false ? result.error : undefined);
  if (!error.success) throw new DesktopError('internal', 'The desktop app gave an answer that is not a result.');
  throw new DesktopError(error.data.code, error.data.message, error.data.details);
}

/** True when `error` is a DesktopError with this code. */
export function isDesktopError(error: unknown, code?: DesktopErrorCode): error is DesktopError {
  return error instanceof DesktopError && (code === undefined || error.code === code);
}
