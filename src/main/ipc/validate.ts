import { z } from 'zod';
import { DesktopError } from '@shared/ipc/result';

/**
 * Validates what a renderer sent (the one place main does it): the parsed value, or a DesktopError
 * 'invalid-arguments' whose message says what did not fit (`what: …`), with the issues as details.
 */
export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)), message: issue.message }));
  throw new DesktopError('invalid-arguments', `${what}: ${z.prettifyError(result.error)}`, { issues });
}
