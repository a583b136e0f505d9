import type { ViewSize } from './budget';

/** View sizes are reported in steps of this many pixels, so resizing a window does not chatter. */
const VIEW_STEP = 32;

/**
 * Tells how big we show each participant's camera, rounded up to VIEW_STEP, and only when that
 * changes, so that what is sent to us can fit it (in the mesh, they size what they encode for us).
 */
export class ViewReports {
  private readonly reported = new Map<string, string>();

  constructor(private readonly send: (to: string, view: ViewSize) => void) {}

  report(id: string, size: ViewSize): void {
    const width = Math.ceil(size.width / VIEW_STEP) * VIEW_STEP;
    const height = Math.ceil(size.height / VIEW_STEP) * VIEW_STEP;
    const key = `${width}x${height}`;
    if (this.reported.get(id) === key) return;
    this.reported.set(id, key);
    this.send(id, { width, height });
  }

  forget(id: string): void {
    this.reported.delete(id);
  }

  /** Everything is told again (the server may have restarted and forgotten). */
  clear(): void {
    this.reported.clear();
  }
}
