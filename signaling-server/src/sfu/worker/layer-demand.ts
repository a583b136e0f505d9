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
 * wanted again is resumed at once, and one no longer wanted paused after PAUSE_AFTER_MS. Pure
 * bookkeeping, told the time, so that it is tested on its own.
 */
export class LayerDemand {
  /** When each layer was last wanted. */
  private readonly wantedAt: number[] = Array.from({ length: LAYER_COUNT }, () => -Infinity);
  private told: string | null = null;
  private active: readonly boolean[] = [];

  /**
   * The views of everyone who receives it (undefined: they have not said; 0 x 0: not shown) and
   * what is known of its layers: the layers to send, or null when the publisher was told so already.
   */
  update(views: Iterable<ViewSize | undefined>, layers: readonly LayerState[], now: number): ActiveLayers | null {
    const assumedArriving = layers.map((layer) => ({ ...layer, live: true }));
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

  /** The publisher's new connection sends every layer again: it is told afresh. */
  reset(): void {
    this.told = null;
    this.active = [];
  }
}
