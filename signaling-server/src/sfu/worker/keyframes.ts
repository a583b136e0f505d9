/** At most one key frame request per layer in this time; one asked for inside it is sent when it ends. */
export const KEYFRAME_INTERVAL_MS = 300;

/**
 * Key frame requests (PLI) for the layers of one publisher's video, rate-limited per layer: a
 * newcomer, a layer switch and every subscriber's own PLI/FIR all come through here, so a
 * publisher never gets more than one request per layer per 300 ms, and none is lost.
 */
export class KeyframeThrottle {
  private readonly last = new Map<number, number>();
  private readonly deferred = new Map<number, NodeJS.Timeout>();

  constructor(
    /** Sends the request; false if it could not (no stream for that layer yet). */
    private readonly send: (layer: number) => boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  ask(layer: number): void {
    const wait = KEYFRAME_INTERVAL_MS - (this.now() - (this.last.get(layer) ?? -Infinity));
    if (wait > 0) {
      if (!this.deferred.has(layer)) {
        const timer = setTimeout(() => {
          this.deferred.delete(layer);
          this.ask(layer);
        }, wait);
        timer.unref();
        this.deferred.set(layer, timer);
      }
      return;
    }
    if (this.send(layer)) this.last.set(layer, this.now());
  }

  close(): void {
    for (const timer of this.deferred.values()) clearTimeout(timer);
    this.deferred.clear();
  }
}
