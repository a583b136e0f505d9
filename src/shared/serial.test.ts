import { describe, expect, it } from 'vitest';
import { errorMessage } from './errors';
import { SerialQueue } from './serial';

describe('SerialQueue', () => {
  it('runs tasks one at a time in the order given, past failures, each caller getting its own result', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let finishA = (): void => undefined;
    const a = queue.run(
      () =>
        new Promise<string>((resolve) => {
          log.push('start a');
          finishA = () => {
            log.push('end a');
            resolve('a');
          };
        }),
    );
    const b = queue.run(() => Promise.reject(new Error('b failed')));
    const c = queue.run(() => {
      log.push('start c');
      return 'c';
    });
    await Promise.resolve();
    // c waits for a, however long a takes.
    expect(log).toEqual(['start a']);
    finishA();
    expect(await a).toBe('a');
    await expect(b).rejects.toThrow('b failed');
    expect(await c).toBe('c');
    expect(log).toEqual(['start a', 'end a', 'start c']);
    await queue.idle();
  });
});

describe('errorMessage', () => {
  it("gives an Error's message, and anything else as text", () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
  });
});
