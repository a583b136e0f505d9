/**
 * Which simulcast layer a subscriber gets of a camera or a screen: the smallest that covers how big
 * it shows it, among the layers that are arriving. Pure, so that it is tested on its own.
 */

/** The rids a publisher sends its layers with, smallest first (a quarter, half and full size). */
export const RIDS = ['q', 'h', 'f'] as const;
export const LAYER_COUNT = RIDS.length;
/** Before anyone says how big they show a video: the middle layer. */
export const DEFAULT_LAYER = 1;

/** What is known of one layer of a publisher's video. */
export interface LayerState {
  /** Its frame size (from its last key frame), or null before one came. */
  width: number | null;
  height: number | null;
  /** Packets of it arrived lately. */
  live: boolean;
  /** What it takes to forward, bits per second (null: not measured yet). */
  bitrate?: number | null;
}

export interface ViewSize {
  width: number;
  height: number;
}

/** The size a layer is assumed to have before a key frame said: a 1280x720 camera's q, h and f. */
const ASSUMED = [
  { width: 320, height: 180 },
  { width: 640, height: 360 },
  { width: 1280, height: 720 },
] as const;

function sizeOf(layers: readonly LayerState[], index: number): ViewSize {
  const layer = layers[index];
  const assumed = ASSUMED[Math.min(index, ASSUMED.length - 1)]!;
  return { width: layer?.width ?? assumed.width, height: layer?.height ?? assumed.height };
}

/**
 * The layer to forward for a view: null for 0 x 0 (not shown), the middle layer before any view,
 * else the smallest layer at least as wide and as tall as the view (the largest if none is). A
 * layer that is not arriving is passed over for the nearest smaller one, then the nearest larger.
 * When none is arriving, the choice stands as if all were (it is asked for and waited for).
 */
export function chooseLayer(view: ViewSize | undefined, layers: readonly LayerState[]): number | null {
  if (view && (view.width === 0 || view.height === 0)) return null;
  const count = Math.max(1, layers.length);
  let wanted = Math.min(DEFAULT_LAYER, count - 1);
  if (view) {
    wanted = count - 1;
    for (let i = 0; i < count; i++) {
      const size = sizeOf(layers, i);
      if (size.width >= view.width && size.height >= view.height) {
        wanted = i;
        break;
      }
    }
  }
  if (!layers.some((layer) => layer.live) || layers[wanted]?.live) return wanted;
  for (let i = wanted - 1; i >= 0; i--) if (layers[i]?.live) return i;
  for (let i = wanted + 1; i < count; i++) if (layers[i]?.live) return i;
  return wanted;
}

/** The layer index of a rid: q, h, f by name, else by its place in the offer's simulcast list. */
export function layerOfRid(rid: string, offered: readonly string[]): number {
  const known = (RIDS as readonly string[]).indexOf(rid);
  if (known >= 0) return known;
  const place = offered.indexOf(rid);
  return place >= 0 && place < LAYER_COUNT ? place : -1;
}
