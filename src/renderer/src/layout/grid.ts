export interface GridInput {
  count: number;
  width: number;
  height: number;
  /** Width / height of a tile; video is 16:9. */
  aspect?: number;
  gap?: number;
}

export interface Grid {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

/**
 * The grid that shows `count` tiles of a fixed aspect ratio as large as possible in the box:
 * try every column count, keep the one with the biggest tile.
 */
export function bestGrid({ count, width, height, aspect = 16 / 9, gap = 8 }: GridInput): Grid {
  if (count <= 0 || width <= 0 || height <= 0) return { columns: 0, rows: 0, tileWidth: 0, tileHeight: 0 };
  let best: Grid = { columns: 1, rows: count, tileWidth: 0, tileHeight: 0 };
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    const tileWidth = Math.min(cellWidth, cellHeight * aspect);
    if (tileWidth > best.tileWidth) best = { columns, rows, tileWidth: Math.floor(tileWidth), tileHeight: Math.floor(tileWidth / aspect) };
  }
  return best;
}
