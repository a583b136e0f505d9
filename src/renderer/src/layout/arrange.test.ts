import { describe, expect, it } from 'vitest';
import { arrangeTiles } from './arrange';

const ids = ['me', 'ada', 'bob', 'cy'];

describe('arranging tiles', () => {
  it('puts everyone in a centred grid without overlaps', () => {
    const { rects, main } = arrangeTiles({ mode: 'grid', ids, focus: null, width: 1280, height: 720 });
    expect(main).toBeNull();
    const all = ids.map((id) => rects[id]!);
    expect(all.every((r) => r.width > 500)).toBe(true);
    for (const a of all)
      for (const b of all) if (a !== b) expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
  });

  it('centres an incomplete last row', () => {
    const { rects } = arrangeTiles({ mode: 'grid', ids: ['a', 'b', 'c'], focus: null, width: 1280, height: 720 });
    const last = rects.c!;
    expect(last.x + last.width / 2).toBeCloseTo(640, -1);
  });

  it('gives the focus the big spot in speaker view and the others the strip', () => {
    const { rects, main } = arrangeTiles({ mode: 'speaker', ids, focus: 'bob', width: 1280, height: 720 });
    expect(main).toBe('bob');
    expect(rects.bob!.width).toBeGreaterThan(rects.ada!.width * 3);
    expect(rects.me!.y).toBe(rects.ada!.y);
  });

  it('falls back to the first other person when the focus is unknown', () => {
    expect(arrangeTiles({ mode: 'speaker', ids, focus: 'gone', width: 1280, height: 720 }).main).toBe('ada');
    expect(arrangeTiles({ mode: 'speaker', ids: ['me'], focus: null, width: 1280, height: 720 }).main).toBe('me');
  });
});
