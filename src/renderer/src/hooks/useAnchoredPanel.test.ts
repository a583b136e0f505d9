import { describe, expect, it } from 'vitest';
import { placePanel } from './useAnchoredPanel';

const gear = (left: number, top: number, size = 48) => ({ left, right: left + size, top, bottom: top + size });

describe('placePanel', () => {
  it('lines the panel up with the right edge of its button when that fits', () => {
    const placed = placePanel(gear(1000, 10), 360, { width: 1280, height: 800 }, { placement: 'below' });
    expect(placed).toEqual({ sheet: false, style: { position: 'fixed', left: 688, top: 68, maxHeight: 720 } });
  });

  it('never lets it out on the left: a button near the left edge gets the panel from the margin on', () => {
    const placed = placePanel(gear(120, 10), 360, { width: 1280, height: 800 }, { placement: 'below' });
    expect(placed.style.left).toBe(12);
  });

  it('never lets it out on the right either', () => {
    const placed = placePanel({ left: 790, right: 830, top: 10, bottom: 50 }, 360, { width: 800, height: 600 }, { placement: 'below' });
    expect(placed.style.left).toBe(800 - 12 - 360);
  });

  it('opens above a button in a bottom bar, no taller than the room there', () => {
    const placed = placePanel(gear(600, 730), 360, { width: 1280, height: 800 }, { placement: 'above' });
    expect(placed.style).toEqual({ position: 'fixed', left: 288, bottom: 80, maxHeight: 708 });
  });

  it('turns to the other side when there is clearly more room there', () => {
    const placed = placePanel(gear(600, 500), 360, { width: 1280, height: 600 }, { placement: 'below' });
    expect(placed.style.bottom).toBe(110);
    expect(placed.style.top).toBeUndefined();
  });

  it('is a bottom sheet in a phone-sized window', () => {
    expect(placePanel(gear(300, 10), 360, { width: 390, height: 844 }, { placement: 'below' })).toEqual({ sheet: true, style: {} });
  });
});
