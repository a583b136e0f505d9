import { bestGrid } from './grid';
import { speakerLayout, type Rect } from './speaker';

export type LayoutMode = 'grid' | 'speaker';

export interface ArrangeInput {
  mode: LayoutMode;
  /** Every tile, in the order people expect (self first, then by joining). */
  ids: readonly string[];
  /** The tile for the big spot in speaker view (pinned, or the active speaker); else the first remote. */
  focus: string | null;
  width: number;
  height: number;
  gap?: number;
}

export interface Arrangement {
  /** Where each tile goes; null when it does not fit on screen. */
  rects: Readonly<Record<string, Rect | null>>;
  /** The tile in the big spot, in speaker view. */
  main: string | null;
}

/**
 * Where every tile goes, as rectangles in the stage: the same tiles move between layouts
 * instead of being rebuilt, so switching never restarts a video.
 */
export function arrangeTiles({ mode, ids, focus, width, height, gap = 8 }: ArrangeInput): Arrangement {
  const rects: Record<string, Rect | null> = {};
  if (mode === 'grid') {
    const grid = bestGrid({ count: ids.length, width, height, gap });
    const rows = Math.ceil(ids.length / Math.max(1, grid.columns));
    const blockHeight = rows * grid.tileHeight + (rows - 1) * gap;
    const top = Math.round((height - blockHeight) / 2);
    ids.forEach((id, index) => {
      const row = Math.floor(index / grid.columns);
      const inRow = row === rows - 1 ? ids.length - row * grid.columns : grid.columns;
      const rowWidth = inRow * grid.tileWidth + (inRow - 1) * gap;
      const left = Math.round((width - rowWidth) / 2);
      const column = index - row * grid.columns;
      rects[id] = { x: left + column * (grid.tileWidth + gap), y: top + row * (grid.tileHeight + gap), width: grid.tileWidth, height: grid.tileHeight };
    });
    return { rects, main: null };
  }

  const main = focus !== null && ids.includes(focus) ? focus : (ids[1] ?? ids[0] ?? null);
  const others = ids.filter((id) => id !== main);
  const layout = speakerLayout({ width, height, others: others.length, gap });
  if (main !== null) rects[main] = layout.main;
  others.forEach((id, index) => (rects[id] = layout.strip[index] ?? null));
  return { rects, main };
}
