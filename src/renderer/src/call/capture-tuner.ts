import { FULL_CAPTURE, type CaptureSize } from './budget';

/** A smaller size must be wanted this long before the camera goes down to it (layouts settle). */
const LOWER_AFTER_MS = 2000;

/**
 * Resizes the camera track to what its views need (applyConstraints: the browser scales, or the
 * camera changes mode; nothing renegotiates). Going up happens at once, so a peer that makes us
 * big gets the detail; going down waits until the smaller size has been wanted for a while.
 * Tracks that cannot be resized (an FFmpeg source, say) are left as they are.
 */
export class CaptureTuner {
  /** What was last asked of each track; a track not in here is at its full size. */
  private readonly applied = new WeakMap<MediaStreamTrack, CaptureSize>();
  private readonly refused = new WeakSet<MediaStreamTrack>();
  private lowerTimer: ReturnType<typeof setTimeout> | undefined;
  /** The smaller size the timer will go down to. */
  private lowering: CaptureSize | null = null;

  constructor(
    /** Called once a track has its new size, so the encoders' scaling can follow. */
    private readonly onResized: () => void,
    private readonly lowerAfterMs = LOWER_AFTER_MS,
  ) {}

  tune(track: MediaStreamTrack | null, wanted: CaptureSize): void {
    // Asked again for the size it is already waiting to go down to (views are re-reported often).
    if (this.lowering && sameSize(this.lowering, wanted)) return;
    this.cancelLowering();
    if (!track || track.kind !== 'video' || track.readyState !== 'live' || this.refused.has(track)) return;
    const current = this.applied.get(track) ?? FULL_CAPTURE;
    if (sameSize(current, wanted)) return;
    if (wanted.height > current.height || (wanted.height === current.height && wanted.frameRate > current.frameRate)) {
      void this.resize(track, wanted);
    } else {
      this.lowering = wanted;
      this.lowerTimer = setTimeout(() => {
        this.lowering = null;
        void this.resize(track, wanted);
      }, this.lowerAfterMs);
    }
  }

  /** Back to the full size (leaving the meeting: the preview shows the camera whole again). */
  restore(track: MediaStreamTrack | null): void {
    this.cancelLowering();
    if (track && this.applied.has(track) && track.readyState === 'live') void this.resize(track, FULL_CAPTURE);
  }

  private cancelLowering(): void {
    clearTimeout(this.lowerTimer);
    this.lowering = null;
  }

  private async resize(track: MediaStreamTrack, size: CaptureSize): Promise<void> {
    this.applied.set(track, size);
    try {
      await track.applyConstraints({
        width: { ideal: Math.round((size.height * 16) / 9) },
        height: { ideal: size.height },
        frameRate: { ideal: size.frameRate },
      });
    } catch (error) {
      console.warn('the camera cannot be resized; it stays as it is', error);
      this.refused.add(track);
      this.applied.delete(track);
      return;
    }
    this.onResized();
  }
}

const sameSize = (a: CaptureSize, b: CaptureSize): boolean => a.height === b.height && a.frameRate === b.frameRate;
