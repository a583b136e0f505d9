import { describe, expect, it } from 'vitest';
import { speakerLayout } from './speaker';

describe('speaker layout', () => {
  it('gives the speaker the stage and the others a strip below', () => {
    const { main, strip } = speakerLayout({ width: 1280, height: 720, others: 3 });
    expect(main.width / main.height).toBeCloseTo(16 / 9, 1);
    expect(strip).toHaveLength(3);
    for (const thumb of strip) {
      expect(thumb.y).toBeGreaterThanOrEqual(main.y + main.height);
      expect(thumb.y + thumb.height).toBeLessThanOrEqual(720);
      expect(thumb.width * thumb.height).toBeLessThan((main.width * main.height) / 4);
    }
    // Thumbnails do not overlap and are centred.
    expect(strip[1]!.x).toBeGreaterThanOrEqual(strip[0]!.x + strip[0]!.width);
    expect(strip[0]!.x).toBeCloseTo(1280 - (strip[2]!.x + strip[2]!.width), -1);
  });

  it('uses the whole stage when there is nobody else, and shows only the thumbnails that fit', () => {
    expect(speakerLayout({ width: 1280, height: 720, others: 0 }).main).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    const crowded = speakerLayout({ width: 800, height: 600, others: 20 });
    expect(crowded.strip.length).toBeLessThan(20);
    const last = crowded.strip.at(-1)!;
    expect(last.x + last.width).toBeLessThanOrEqual(800);
  });
});
