import { describe, expect, it } from 'vitest';
import { SilenceWatch } from './silence-watch';

/** Feeds `[count, at]` readings and collects what the watch says about each. */
const run = (readings: Array<[number, number]>): Array<string | null> => {
  const watch = new SilenceWatch(2000);
  return readings.map(([count, at]) => watch.note(count, at));
};

describe('SilenceWatch', () => {
  it('says "silent" once the count has not grown for the whole time, then "resumed" once it grows', () => {
    expect(
      run([
        [10, 0],
        [60, 400],
        [60, 800],
        [60, 2399],
        [60, 2400],
        [60, 2800],
        [61, 3200],
        [90, 3600],
      ]),
    ).toEqual([null, null, null, null, 'silent', null, 'resumed', null]);
  });

  it('says nothing about a count that never grew (the other side sends nothing)', () => {
    expect(
      run([
        [0, 0],
        [0, 3000],
        [0, 9000],
      ]),
    ).toEqual([null, null, null]);
  });

  it('says nothing while readings are late but the count grew meanwhile (a busy page)', () => {
    expect(
      run([
        [10, 0],
        [500, 5000],
        [900, 9000],
      ]),
    ).toEqual([null, null, null]);
  });
});
