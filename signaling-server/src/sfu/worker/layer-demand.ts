import { LAYER_COUNT, chooseLayer, type LayerState, type ViewSize } from './layers.js';

/** A layer nobody is shown goes on this long before its publisher is told to pause it (a resize, a pin and back). */
export const PAUSE_AFTER_MS = 3000;

/** The layers a publisher sends: the smallest always, then whether each larger one is. */
export type ActiveLayers = [true, boolean, boolean];

/**
 * Which layers of one camera or screen its publisher should encode: those some subscriber is shown
 * now (the layer `chooseLayer` gives their view, as if every layer were arriving), and the smallest
 * always, so that someone who starts to show it gets a picture at once while a larger layer starts.
 * A new publisher, which sends every layer, is told at once (in a move to the SFU everyone starts
 * publishing together, and the layers nobody is shown would only add to the load); later, a layer
 * wanted again is resumed at once, and one no longer wanted paused after PAUSE_AFTER_MS.
 *
 * A layer counts at the largest size it has had on this connection: a busy publisher's browser
 * scales every layer down, and judged by those sizes a 620 px tile would ask for the full layer,
 * more work for the machine that is already short of it (and once that layer pauses, the browser
 * can give the others their size back). The cost: after a switch to a smaller camera, a view may
 * get one layer less than it could until the publisher's next connection. Pure bookkeeping, told
 * the time, so that it is tested on its own.
 */
export class LayerDemand {
  /** When each layer was last wanted. */
  private readonly wantedAt: number[] = Array.from({ length: LAYER_COUNT }, () => -Infinity);
  /** Each layer's largest size on this connection (null: none known yet). */
  private largest: Array<ViewSize | null> = Array.from({ length: LAYER_COUNT }, () => null);
  private told: string | null = null;
  private active: readonly boolean[] = [];

  /**
   * The views of everyone who receives it (undefined: they have not said; 0 x 0: not shown) and
   * what is known of its layers: the layers to send, or null when the publisher was told so already.
   */
  update(views: Iterable<ViewSize | undefined>, layers: readonly LayerState[], now: number): ActiveLayers | null {
    const assumedArriving = layers.map((layer, i) => {
      const largest = this.largestOf(i, layer);
      return { ...layer, width: largest?.width ?? null, height: largest?.height ?? null, live: true };
    });
    for (const view of views) {
      const layer = chooseLayer(view, assumedArriving);
      if (layer !== null) this.wantedAt[layer] = now;
    }
    const active: ActiveLayers = [true, now - this.wantedAt[1]! < PAUSE_AFTER_MS, now - this.wantedAt[2]! < PAUSE_AFTER_MS];
    const key = active.join();
    if (key === this.told) return null;
    this.told = key;
    this.active = active;
    return active;
  }

  /** Whether the publisher was told to pause this layer (what it still sends of it is the last before the pause). */
  paused(layer: number): boolean {
    return this.active[layer] === false;
  }

  /** The publisher's new connection sends every layer again, at its camera's size: it is told afresh. */
  reset(): void {
    this.largest = this.largest.map(() => null);
    this.told = null;
    this.active = [];
  }

  private largestOf(index: number, { width, height }: LayerState): ViewSize | null {
    const known = this.largest[index] ?? null;
    if (width === null || height === null) return known;
    if (known && known.width * known.height >= width * height) return known;
    this.largest[index] = { width, height };
    return this.largest[index];
  }
}
