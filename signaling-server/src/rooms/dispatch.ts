import type { z } from 'zod';
import { LIMITS, REQUESTS, type CheckedRequest, type ErrorBody, type ErrorCode, type ReplyBody, type RequestName, type Result } from '../protocol/index.js';
import type { Logger } from '../logger.js';

/** The reply to request `E`: its body after `ok: true` (typed by the protocol's REQUESTS), or a refusal. */
export type Reply<E extends RequestName = RequestName> = Result<ReplyBody<E>>;

/** What handles request `E`: the payload already checked against REQUESTS[E].request. */
export type Handler<E extends RequestName, Ctx> = (data: CheckedRequest<E>, ctx: Ctx) => Reply<E> | Promise<Reply<E>>;

/** One client event: the schema its payload must match and what to do with a valid one. */
export interface Route<Ctx> {
  schema: z.ZodType;
  handle: (data: never, ctx: Ctx) => Result<object> | Promise<Result<object>>;
}

export type Routes<Ctx> = Partial<Record<RequestName, Route<Ctx>>>;

/**
 * Routes for the requests named in `handlers`, each with the payload schema the protocol gives its
 * name (so a handler can neither skip validation nor check against the wrong schema), and each
 * handler's reply typed by the protocol too.
 */
export function defineRoutes<Ctx>() {
  return <K extends RequestName>(handlers: { [E in K]: Handler<E, Ctx> }): Routes<Ctx> => {
    const routes: Routes<Ctx> = {};
    for (const name of Object.keys(handlers) as K[]) {
      routes[name] = { schema: REQUESTS[name].request, handle: handlers[name] as Route<Ctx>['handle'] };
    }
    return routes;
  };
}

export const ok = <T extends object>(body?: T): Result<T> => ({ ok: true, ...(body ?? ({} as T)) });
/** A request refused: nothing was changed. */
export type Refusal = { ok: false; error: ErrorBody };

export const fail = (code: ErrorCode, message: string, retryAfterMs?: number): Refusal => ({
  ok: false,
  error: { code, message, ...(retryAfterMs !== undefined ? { retryAfterMs: Math.ceil(retryAfterMs) } : {}) },
});

type Acknowledge = (reply: Result<object>) => void;

export interface DispatchTarget {
  /** Where a reply goes when the client sent no acknowledgement callback. */
  protocolError(event: string, error: ErrorBody): void;
}

/**
 * Validate -> handle -> reply, for every event a socket sends, known or not.
 * Nothing reaches a handler unless it is one payload object of the right shape and size;
 * every request gets exactly one reply; no input can throw out of here.
 */
export async function dispatch<Ctx>(
  routes: Readonly<Routes<Ctx>>,
  ctx: Ctx & DispatchTarget,
  event: string,
  args: unknown[],
  log: Logger,
  /** Asked first: a refusal (the connection is over its limits) is the reply, and nothing is handled. */
  admit?: (event: string) => ErrorBody | null,
  /** Told every reply (for metrics). */
  answered?: (event: string, result: Result<object>) => void,
): Promise<void> {
  const last = args.at(-1);
  const ack: Acknowledge | undefined = typeof last === 'function' ? (last as Acknowledge) : undefined;
  const payload = ack ? args.slice(0, -1) : args;
  const reply = (result: Result<object>): void => {
    answered?.(Object.hasOwn(routes, event) ? event : 'unknown', result);
    if (ack) ack(result);
    else if (!result.ok) ctx.protocolError(event, result.error);
  };

  const refused = admit?.(event);
  if (refused) return reply({ ok: false, error: refused });

  const found = Object.hasOwn(routes, event) ? routes[event as RequestName] : undefined;
  if (!found) return reply(fail('unknown-event', `unknown event "${truncate(event, 40)}"`));
  if (payload.length !== 1) return reply(fail('invalid-payload', `"${event}" takes exactly one payload object, got ${payload.length} arguments`));

  const size = byteLength(payload[0]);
  if (size > LIMITS.maxPayloadBytes) {
    return reply(fail('payload-too-large', `"${event}" payload is ${size} bytes; the limit is ${LIMITS.maxPayloadBytes}`));
  }
  const parsed = found.schema.safeParse(payload[0]);
  if (!parsed.success) return reply(fail('invalid-payload', `"${event}": ${describeIssues(parsed.error)}`));

  try {
    reply(await found.handle(parsed.data as never, ctx));
  } catch (error) {
    log.error(`handler for "${event}" failed`, error);
    reply(fail('internal', `the server could not handle "${event}"`));
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ');
}

function byteLength(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return Number.POSITIVE_INFINITY; // cyclic or otherwise unserialisable: treat as oversized
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
