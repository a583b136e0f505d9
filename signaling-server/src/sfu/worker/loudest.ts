/**
 * Who is loudest in a meeting, from the audio level header extension (RFC 6464) of each one's
 * microphone packets: each level smoothed over about 200 ms, silence when no packet came for a
 * while, and a bonus for those already chosen so that two people of about the same loudness do
 * not take turns every few hundred milliseconds.
 */

/** Weight of a new packet's level (one packet every 20 ms: about 200 ms of memory). */
const SMOOTHING = 0.1;
/** No packet for this long: silent (muted, or the microphone stopped). */
const STALE_MS = 500;
/** Those chosen stay chosen unless someone is this much louder (dB). */
const HYSTERESIS_DB = 6;

export class LoudestSelector {
  private readonly levels = new Map<string, { value: number; at: number }>();
  private chosen = new Set<string>();

  /** A packet's level: 0 (silence) to 127 (full scale). */
  hear(member: string, loudness: number, now: number): void {
    const level = this.levels.get(member);
    if (!level || now - level.at > STALE_MS) this.levels.set(member, { value: loudness, at: now });
    else {
      level.value += (loudness - level.value) * SMOOTHING;
      level.at = now;
    }
  }

  loudness(member: string, now: number): number {
    const level = this.levels.get(member);
    return level && now - level.at <= STALE_MS ? level.value : 0;
  }

  forget(member: string): void {
    this.levels.delete(member);
    this.chosen.delete(member);
  }

  /** The `count` loudest of `candidates` (all of them if there are no more than that). */
  select(candidates: readonly string[], count: number, now: number): ReadonlySet<string> {
    if (candidates.length <= count) {
      this.chosen = new Set(candidates);
      return this.chosen;
    }
    const score = (member: string): number => this.loudness(member, now) + (this.chosen.has(member) ? HYSTERESIS_DB : 0);
    const ranked = [...candidates].sort((a, b) => score(b) - score(a) || Number(this.chosen.has(b)) - Number(this.chosen.has(a)) || (a < b ? -1 : 1));
    this.chosen = new Set(ranked.slice(0, count));
    return this.chosen;
  }
}
