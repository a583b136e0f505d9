import { describe, expect, it } from 'vitest';
import { createSpeakerTracker } from './active-speaker';

/** Feeds `levels` every 100 ms for `ms`; returns the speaker after each step. */
function run(tracker: ReturnType<typeof createSpeakerTracker>, start: number, ms: number, levels: Record<string, number>): string[] {
  const seen: string[] = [];
  for (let t = 0; t < ms; t += 100) seen.push(String(tracker.update(new Map(Object.entries(levels)), start + t)));
  return seen;
}

describe('the active speaker', () => {
  it('is nobody in silence, and the first person to speak', () => {
    const tracker = createSpeakerTracker();
    expect(run(tracker, 0, 500, { ada: 0, bob: 0.001 }).at(-1)).toBe('null');
    expect(run(tracker, 500, 500, { ada: 0.3, bob: 0.001 }).at(-1)).toBe('ada');
  });

  it('does not flicker when two people talk over each other at similar levels', () => {
    const tracker = createSpeakerTracker();
    run(tracker, 0, 2000, { ada: 0.3, bob: 0 });
    const seen: string[] = [];
    for (let t = 2000; t < 8000; t += 100) {
      // Bob slightly louder on every other sample: never clearly louder for long.
      const bobLouder = (t / 100) % 2 === 0;
      seen.push(
        String(
          tracker.update(
            new Map([
              ['ada', 0.3],
              ['bob', bobLouder ? 0.4 : 0.25],
            ]),
            t,
          ),
        ),
      );
    }
    expect(new Set(seen)).toEqual(new Set(['ada']));
  });

  it('switches to someone clearly louder once they keep it up, not on a cough', () => {
    const tracker = createSpeakerTracker();
    run(tracker, 0, 2000, { ada: 0.3, bob: 0 });
    // A 300 ms cough from Bob: no switch.
    expect(run(tracker, 2000, 300, { ada: 0.05, bob: 0.6 })).not.toContain('bob');
    run(tracker, 2300, 1000, { ada: 0.3, bob: 0 });
    // Bob talks while Ada is quiet: switch after the delay.
    const seen = run(tracker, 3300, 1500, { ada: 0.01, bob: 0.5 });
    expect(seen.at(0)).toBe('ada');
    expect(seen.at(-1)).toBe('bob');
  });

  it('keeps the last speaker through a pause, and forgets people who left', () => {
    const tracker = createSpeakerTracker();
    run(tracker, 0, 1000, { ada: 0.3 });
    expect(run(tracker, 1000, 3000, { ada: 0 }).at(-1)).toBe('ada');
    expect(tracker.update(new Map([['bob', 0]]), 5000)).toBeNull();
  });
});
