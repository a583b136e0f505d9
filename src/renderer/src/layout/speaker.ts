import { bestGrid } from './grid';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SpeakerLayout {
  /** The big tile (the speaker, the pinned tile or a screen share). */
  main: Rect;
  /** The others, in a row under it, in the order given. */
  strip: Rect[];
}

/**
 * One big tile with the aspect kept, the others as a strip of thumbnails below it (as many as fit
 * in one row; the rest are not shown).
 */
export function speakerLayout({
  width,
  height,
  others,
  aspect = 16 / 9,
  gap = 8,
}: {
  width: number;
  height: number;
  others: number;
  aspect?: number;
  gap?: number;
}): SpeakerLayout {
  if (width <= 0 || height <= 0) return { main: { x: 0, y: 0, width: 0, height: 0 }, strip: [] };
  const stripHeight = others > 0 ? Math.max(72, Math.min(160, Math.round(height * 0.18))) : 0;
  const mainArea = { width, height: height - stripHeight - (others > 0 ? gap : 0) };
  const fit = bestGrid({ count: 1, width: mainArea.width, height: mainArea.height, aspect, gap: 0 });
  const main: Rect = { x: Math.round((width - fit.tileWidth) / 2), y: 0, width: fit.tileWidth, height: fit.tileHeight };

  const thumbWidth = Math.floor(stripHeight * aspect);
  const fits = Math.max(0, Math.floor((width + gap) / (thumbWidth + gap)));
  const shown = Math.min(others, fits);
  const rowWidth = shown * thumbWidth + Math.max(0, shown - 1) * gap;
  const left = Math.round((width - rowWidth) / 2);
  const top = main.height + gap;
  const strip = Array.from({ length: shown }, (_, i) => ({ x: left + i * (thumbWidth + gap), y: top, width: thumbWidth, height: stripHeight }));
  return { main, strip };
}
