/**
 * Picks who is speaking from audio levels, steadily: levels are smoothed, a newcomer has to be
 * clearly louder than the current speaker for a while before the view switches, and the current
 * speaker is kept for a minimum time. Pure; the caller feeds levels and the time.
 */
export interface SpeakerOptions {
  /** Smoothed level (0..1, linear) below which nobody counts as speaking. */
  threshold: number;
  /** A challenger must be this many times louder than the current speaker... */
  margin: number;
  /** ...for this long... */
  switchAfterMs: number;
  /** ...and the current speaker has held the floor at least this long. */
  minHoldMs: number;
  /** Weight of the newest sample in the moving average. */
  smoothing: number;
}

export const DEFAULT_SPEAKER_OPTIONS: SpeakerOptions = { threshold: 0.02, margin: 1.5, switchAfterMs: 700, minHoldMs: 1500, smoothing: 0.35 };

export interface SpeakerTracker {
  /** Feeds the latest levels (participant id -> 0..1); returns the active speaker or null. */
  update(levels: ReadonlyMap<string, number>, now: number): string | null;
  current(): string | null;
}

export function createSpeakerTracker(options: Partial<SpeakerOptions> = {}): SpeakerTracker {
  const o = { ...DEFAULT_SPEAKER_OPTIONS, ...options };
  const smoothed = new Map<string, number>();
  let speaker: string | null = null;
  let since = Number.NEGATIVE_INFINITY;
  let challenger: { id: string; since: number } | null = null;

  return {
    current: () => speaker,
    update(levels, now) {
      for (const id of [...smoothed.keys()]) if (!levels.has(id)) smoothed.delete(id);
      for (const [id, level] of levels) smoothed.set(id, o.smoothing * level + (1 - o.smoothing) * (smoothed.get(id) ?? 0));
      if (speaker !== null && !smoothed.has(speaker)) {
        speaker = null;
        challenger = null;
      }

      let loudest: string | null = null;
      for (const [id, level] of smoothed) if (level >= o.threshold && (loudest === null || level > smoothed.get(loudest)!)) loudest = id;
      if (loudest === null || loudest === speaker) {
        challenger = null;
        return speaker;
      }
      if (speaker === null) {
        speaker = loudest;
        since = now;
        challenger = null;
        return speaker;
      }
      const clearlyLouder = smoothed.get(loudest)! > o.margin * (smoothed.get(speaker) ?? 0);
      if (!clearlyLouder) {
        challenger = null;
        return speaker;
      }
      if (challenger?.id !== loudest) challenger = { id: loudest, since: now };
      if (now - challenger.since >= o.switchAfterMs && now - since >= o.minHoldMs) {
        speaker = loudest;
        since = now;
        challenger = null;
      }
      return speaker;
    },
  };
}
