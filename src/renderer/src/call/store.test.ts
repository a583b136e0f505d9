import { describe, expect, it } from 'vitest';
import { Store, type ReadonlyStore } from './store';
import type { ScreenShare } from './screen-share';
import type { CallSession } from './call-session';

describe('Store', () => {
  it('tells its subscribers of a new value, not of the same one', () => {
    const store = new Store(1);
    let calls = 0;
    const stop = store.subscribe(() => calls++);
    store.set(1);
    store.set(2);
    store.update((n) => n + 1);
    stop();
    store.set(4);
    expect(store.get()).toBe(4);
    expect(calls).toBe(2);
  });

  it('is read-only to everyone but its owner (checked by the type checker)', () => {
    const rejectReaderWrite = (readOnly: ReadonlyStore<number>): void => {
      // @ts-expect-error a reader cannot write
      readOnly.set(2);
    };
    const rejectSessionWrite = (session: CallSession): void => {
      // @ts-expect-error the session's state is written by the session only
      session.state.set(session.state.get());
    };
    const rejectShareWrite = (share: ScreenShare): void => {
      // @ts-expect-error a component cannot write the screen share's state
      share.state.update((s) => s);
    };
    expect([rejectReaderWrite, rejectSessionWrite, rejectShareWrite]).toHaveLength(3);
  });
});
