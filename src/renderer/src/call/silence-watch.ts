export type SilenceChange = 'silent' | 'resumed' | null;

/**
 * Follows a count of packets received, read every so often, and says when it stopped growing for
 * `silentAfterMs` (`'silent'`, once) and when it grows again after that (`'resumed'`, once). A count
 * that never grew says nothing: a side that sends nothing is not a path that died.
 */
export class SilenceWatch {
  private lastGrowth: { count: number; at: number } | undefined;
  private silent = false;

  constructor(private readonly silentAfterMs: number) {}

  /** A reading of the count at time `at` (ms, any monotonic clock). */
  note(count: number, at: number): SilenceChange {
    const last = this.lastGrowth;
    if (count > (last?.count ?? 0)) {
      this.lastGrowth = { count, at };
      if (!this.silent) return null;
      this.silent = false;
      return 'resumed';
    }
    if (!last || this.silent || at - last.at < this.silentAfterMs) return null;
    this.silent = true;
    return 'silent';
  }
}
