import { describe, expect, it } from 'vitest';
import { bestGrid } from './grid';

describe('bestGrid', () => {
  it('shows one person as big as the box allows, aspect kept', () => {
    expect(bestGrid({ count: 1, width: 1600, height: 900, gap: 0 })).toEqual({ columns: 1, rows: 1, tileWidth: 1600, tileHeight: 900 });
    // A tall window: width-limited, letterboxed top and bottom.
    expect(bestGrid({ count: 1, width: 800, height: 1000, gap: 0 })).toEqual({ columns: 1, rows: 1, tileWidth: 800, tileHeight: 450 });
  });

  it('puts two side by side in a wide window and stacked in a tall one', () => {
    expect(bestGrid({ count: 2, width: 1920, height: 1080 })).toMatchObject({ columns: 2, rows: 1 });
    expect(bestGrid({ count: 2, width: 600, height: 1000 })).toMatchObject({ columns: 1, rows: 2 });
  });

  it('chooses 2x2 for four and 3x2 for six in a 16:9 window', () => {
    expect(bestGrid({ count: 4, width: 1280, height: 720 })).toMatchObject({ columns: 2, rows: 2 });
    expect(bestGrid({ count: 6, width: 1280, height: 720 })).toMatchObject({ columns: 3, rows: 2 });
  });

  it('never overflows the box, gaps included', () => {
    for (let count = 1; count <= 25; count += 1) {
      for (const [width, height] of [
        [1280, 720],
        [375, 812],
        [2560, 1080],
        [300, 300],
      ] as const) {
        const grid = bestGrid({ count, width, height, gap: 8 });
        expect(grid.columns * grid.rows).toBeGreaterThanOrEqual(count);
        expect(grid.columns * grid.tileWidth + (grid.columns - 1) * 8).toBeLessThanOrEqual(width);
        expect(grid.rows * grid.tileHeight + (grid.rows - 1) * 8).toBeLessThanOrEqual(height);
        expect(grid.tileWidth / grid.tileHeight).toBeCloseTo(16 / 9, 1);
      }
    }
  });

  it('returns an empty grid for nothing to show or no room', () => {
    expect(bestGrid({ count: 0, width: 100, height: 100 })).toMatchObject({ columns: 0, tileWidth: 0 });
    expect(bestGrid({ count: 3, width: 0, height: 100 })).toMatchObject({ columns: 0, tileWidth: 0 });
  });
});
