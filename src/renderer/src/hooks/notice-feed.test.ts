import { describe, expect, it } from 'vitest';
import { MAX_TOASTS, NOTICE_MS, NoticeFeed, PRESENCE_MS, SETTLE_MS, nameList, presenceText, type Clock, type MeetingSnapshot } from './notice-feed';

/** A clock that moves only when told. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let next = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      next += 1;
      timers.set(next, { at: now + ms, callback });
      return next;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = end;
    },
  };
}

const snapshot = (people: string[], hostId: string | null = 'h', phase: MeetingSnapshot['phase'] = 'joined'): MeetingSnapshot => ({
  phase,
  selfId: 'me',
  hostId,
  people: people.map((name) => ({ id: name.toLowerCase(), name })),
});

function setup() {
  const clock = fakeClock();
  const gone: string[] = [];
  const feed = new NoticeFeed(clock);
  feed.onHostNoticeGone((key) => gone.push(key));
  const texts = () => feed.state.get().map((t) => t.text);
  return { clock, gone, feed, texts };
}

describe('names', () => {
  it('lists one, two, three names, and past that two and a count', () => {
    expect(nameList(['Bob'])).toBe('Bob');
    expect(nameList(['Bob', 'Cy'])).toBe('Bob and Cy');
    expect(nameList(['Bob', 'Cy', 'Dee'])).toBe('Bob, Cy and Dee');
    expect(nameList(['Bob', 'Cy', 'Dee', 'Eve', 'Fay'])).toBe('Bob, Cy and 3 others');
    expect(presenceText(['Bob'], ['Cy'])).toBe('Bob joined · Cy left');
    expect(presenceText([], [])).toBeNull();
  });
});

describe('host notices', () => {
  it('go away by themselves, and the session forgets them', () => {
    const { clock, gone, feed, texts } = setup();
    feed.syncHostNotices([{ kind: 'muted', by: 'Hugo', key: 'k1' }]);
    expect(texts()).toEqual(['Hugo muted you.']);
    clock.advance(NOTICE_MS - 1);
    expect(texts()).toHaveLength(1);
    clock.advance(1);
    expect(texts()).toEqual([]);
    expect(gone).toEqual(['k1']);
    // The session's list, still naming it a moment longer, does not bring it back.
    feed.syncHostNotices([{ kind: 'muted', by: 'Hugo', key: 'k1' }]);
    expect(texts()).toEqual([]);
  });

  it('stay while held, and for a moment after', () => {
    const { clock, feed, texts } = setup();
    feed.syncHostNotices([{ kind: 'ask-unmute', by: 'Hugo', key: 'k1' }]);
    const [toast] = feed.state.get();
    clock.advance(NOTICE_MS - 500);
    feed.hold(toast!.key, true);
    clock.advance(60_000);
    expect(texts()).toEqual(['Hugo asks you to unmute.']);
    feed.hold(toast!.key, false);
    clock.advance(1999);
    expect(texts()).toHaveLength(1);
    clock.advance(1);
    expect(texts()).toEqual([]);
  });

  it(`at most ${MAX_TOASTS} at once: the oldest make way, and the session forgets them`, () => {
    const { gone, feed, texts } = setup();
    const notices = [1, 2, 3, 4, 5].map((n) => ({ kind: 'muted' as const, by: `Host ${n}`, key: `k${n}` }));
    feed.syncHostNotices(notices);
    expect(texts()).toEqual(['Host 3 muted you.', 'Host 4 muted you.', 'Host 5 muted you.']);
    expect(gone).toEqual(['k1', 'k2']);
  });

  it('dismissed in the session, they go', () => {
    const { feed, texts } = setup();
    feed.syncHostNotices([{ kind: 'muted', by: 'Hugo', key: 'k1' }]);
    feed.syncHostNotices([]);
    expect(texts()).toEqual([]);
  });
});

describe('who hosts, who came, who went', () => {
  it('says nothing of the people already there when we come in, even listed over a moment', () => {
    const { clock, feed, texts } = setup();
    feed.observe(snapshot([], null, 'joining'));
    feed.observe(snapshot(['Hugo']));
    clock.advance(200);
    feed.observe(snapshot(['Hugo', 'Ivy']));
    clock.advance(5000);
    expect(texts()).toEqual([]);
  });

  it('tells everyone who hosts now, and the new host that they do', () => {
    const { clock, feed, texts } = setup();
    feed.observe(snapshot(['Hugo', 'Ivy'], 'hugo'));
    clock.advance(SETTLE_MS);
    feed.observe(snapshot(['Hugo', 'Ivy'], 'ivy'));
    expect(texts()).toEqual(['Ivy is now the host']);
    feed.observe(snapshot(['Hugo', 'Ivy'], 'me'));
    expect(texts()).toEqual(['Ivy is now the host', 'You are now the host']);
  });

  it('gathers arrivals into one notice, which the next replaces', () => {
    const { clock, feed, texts } = setup();
    feed.observe(snapshot([]));
    clock.advance(SETTLE_MS);
    feed.observe(snapshot(['Bob']));
    clock.advance(1000);
    expect(texts()).toEqual(['Bob joined']);
    feed.observe(snapshot([]));
    clock.advance(1000);
    expect(texts()).toEqual(['Bob left']);
    let people: string[] = [];
    for (const name of ['Cy', 'Dee', 'Eve', 'Fay', 'Gus']) {
      people = [...people, name];
      feed.observe(snapshot(people));
      clock.advance(100);
    }
    clock.advance(1000);
    expect(texts()).toEqual(['Cy, Dee and 3 others joined']);
    clock.advance(PRESENCE_MS);
    expect(texts()).toEqual([]);
  });

  it('says nothing of someone who came and went within the moment, and keeps a steady stream to one notice every couple of seconds', () => {
    const { clock, feed, texts } = setup();
    feed.observe(snapshot([]));
    clock.advance(SETTLE_MS);
    feed.observe(snapshot(['Bob']));
    clock.advance(100);
    feed.observe(snapshot([]));
    clock.advance(2000);
    expect(texts()).toEqual([]);
    const names = Array.from({ length: 30 }, (_, i) => `P${i}`);
    let shown = 0;
    for (let i = 1; i <= names.length; i++) {
      feed.observe(snapshot(names.slice(0, i)));
      clock.advance(200);
      shown = Math.max(shown, texts().length);
    }
    expect(shown).toBe(1);
  });

  it('after a reconnection compares with the meeting as it was before', () => {
    const { clock, feed, texts } = setup();
    feed.observe(snapshot(['Bob', 'Cy']));
    clock.advance(SETTLE_MS);
    feed.observe(snapshot(['Bob', 'Cy'], 'h', 'reconnecting'));
    feed.observe(snapshot(['Bob']));
    clock.advance(1000);
    expect(texts()).toEqual(['Cy left']);
  });
});
