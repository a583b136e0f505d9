import { captureStats, desktopCapture } from './capture-desktop';
import type { DesktopCapture } from './capture-model';
import { getDesktop } from './platform';

export * from './capture-model';

let current: DesktopCapture | null | undefined;

/** FFmpeg capture when the desktop shell offers it (`window.desktop.capture`), else null (browser guests). */
export function getCapture(): DesktopCapture | null {
  if (current !== undefined) return current;
  const api = getDesktop()?.capture;
  current = api ? desktopCapture(api) : null;
  if (current) {
    // A read-only view of the capture tracks' counters, like `window.roundtable`, for debugging and the benchmark.
    Object.defineProperty(window, 'roundtableCapture', { value: Object.freeze({ stats: captureStats }), configurable: false, writable: false });
  }
  return current;
}
