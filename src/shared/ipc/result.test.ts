import { describe, expect, it } from 'vitest';
import { DesktopError, failed, succeeded, unwrap } from './result';

describe('result envelopes', () => {
  it('carry a DesktopError with its code and details, and anything else thrown as internal with its message', () => {
    expect(failed(new DesktopError('not-found', 'no such recording', { id: 'x' }))).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no such recording', details: { id: 'x' } },
    });
    expect(failed(new TypeError('boom'))).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    expect(failed('plain')).toEqual({ ok: false, error: { code: 'internal', message: 'plain' } });
  });

  it('unwrap to the value, or throw the DesktopError they carry', () => {
    expect(unwrap(succeeded(3))).toBe(3);
    // A void result that crossed JSON has lost its undefined value.
    expect(unwrap({ ok: true } as never)).toBeUndefined();
    const error = (() => {
      try {
        unwrap({ ok: false, error: { code: 'untrusted-certificate', message: 'compare it', details: { host: 'h:1' } } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DesktopError);
    expect(error).toMatchObject({ name: 'DesktopError', code: 'untrusted-certificate', message: 'compare it', details: { host: 'h:1' } });
    for (const malformed of [undefined, null, 'x', { ok: false }, { ok: false, error: { code: 'made-up', message: 'x' } }]) {
      expect(() => unwrap(malformed as never)).toThrow(expect.objectContaining({ code: 'internal' }));
    }
  });
});
