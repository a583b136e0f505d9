import { useLayoutEffect, useState, type CSSProperties, type RefObject } from 'react';

/** How a panel opening from a button is placed: next to it (`style`), or as a sheet along the bottom of a narrow window. */
export interface AnchoredPanel {
  style: CSSProperties;
  sheet: boolean;
}

export interface AnchorOptions {
  /** Open above the button (a bottom bar) or below it (a header). */
  placement: 'above' | 'below';
  /** Windows at most this wide get a bottom sheet instead. */
  sheetBelow?: number;
  /** Space kept between the panel and the window's edges. */
  margin?: number;
  /** Space between the button and the panel. */
  gap?: number;
}

/** Where the panel goes, in the window's coordinates (pure: tested without a DOM). */
export function placePanel(
  anchor: { left: number; right: number; top: number; bottom: number },
  panelWidth: number,
  viewport: { width: number; height: number },
  { placement, sheetBelow = 520, margin = 12, gap = 10 }: AnchorOptions,
): AnchoredPanel {
  if (viewport.width <= sheetBelow) return { style: {}, sheet: true };
  const width = Math.min(panelWidth, viewport.width - 2 * margin);
  // Its right edge lines up with the button's, unless that pushes it out of the window.
  const left = Math.max(margin, Math.min(anchor.right - width, viewport.width - margin - width));
  const roomBelow = viewport.height - anchor.bottom - gap - margin;
  const roomAbove = anchor.top - gap - margin;
  // Opens where asked unless there is clearly more room on the other side.
  const below = placement === 'below' ? roomBelow >= Math.min(240, roomAbove) : roomAbove < Math.min(240, roomBelow);
  const style: CSSProperties = below
    ? { position: 'fixed', left, top: anchor.bottom + gap, maxHeight: Math.max(0, roomBelow) }
    : { position: 'fixed', left, bottom: viewport.height - anchor.top + gap, maxHeight: Math.max(0, roomAbove) };
  return { style, sheet: false };
}

/**
 * Places an open panel (`panel`) next to the button it opens from (`anchor`): measured from the
 * button's box and held inside the window, again whenever the window, the page's scroll or the
 * panel's size change. A window narrower than `sheetBelow` gets a bottom sheet (styled by the panel's CSS).
 */
export function useAnchoredPanel(
  open: boolean,
  anchor: RefObject<HTMLElement | null>,
  panel: RefObject<HTMLElement | null>,
  options: AnchorOptions,
): AnchoredPanel {
  const [placed, setPlaced] = useState<AnchoredPanel>({ style: { position: 'fixed', visibility: 'hidden' }, sheet: false });
  const { placement, sheetBelow, margin, gap } = options;
  useLayoutEffect(() => {
    if (!open) return;
    const place = (): void => {
      const button = anchor.current;
      const content = panel.current;
      if (!button || !content) return;
      const next = placePanel(
        button.getBoundingClientRect(),
        content.offsetWidth,
        { width: document.documentElement.clientWidth, height: window.innerHeight },
        { placement, ...(sheetBelow !== undefined ? { sheetBelow } : {}), ...(margin !== undefined ? { margin } : {}), ...(gap !== undefined ? { gap } : {}) },
      );
      setPlaced((current) => (JSON.stringify(current) === JSON.stringify(next) ? current : next));
    };
    place();
    window.addEventListener('resize', place);
    window.addEventListener('scroll', place, true);
    const observer = new ResizeObserver(place);
    if (panel.current) observer.observe(panel.current);
    if (anchor.current) observer.observe(anchor.current);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', place, true);
      observer.disconnect();
    };
  }, [open, anchor, panel, placement, sheetBelow, margin, gap]);
  return placed;
}
