import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CaptureTuner } from './capture-tuner';

/** A camera track that records what it was asked for (or refuses, like a source that cannot be resized). */
function cameraTrack(refuse = false) {
  const asked: number[] = [];
  const track = {
    kind: 'video',
    readyState: 'live',
    applyConstraints: vi.fn(async (constraints: MediaTrackConstraints) => {
      if (refuse) throw new DOMException('cannot', 'OverconstrainedError');
      asked.push((constraints.height as ConstrainULongRange).ideal!);
    }),
  };
  return { track: track as unknown as MediaStreamTrack, asked, applyConstraints: track.applyConstraints };
}

describe('sizing the camera to its views', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('goes up at once, and down only once the smaller size has been wanted for a while', async () => {
    const resized = vi.fn();
    const tuner = new CaptureTuner(resized, 2000);
    const { track, asked } = cameraTrack();
    tuner.tune(track, { height: 360, frameRate: 24 });
    await vi.advanceTimersByTimeAsync(1900);
    expect(asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(asked).toEqual([360]);
    expect(resized).toHaveBeenCalledTimes(1);

    tuner.tune(track, { height: 720, frameRate: 30 });
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toEqual([360, 720]);
    expect(resized).toHaveBeenCalledTimes(2);
  });

  it('keeps waiting to go down while the same smaller size is asked for again and again', async () => {
    const tuner = new CaptureTuner(() => undefined, 2000);
    const { track, asked } = cameraTrack();
    for (let i = 0; i < 5; i += 1) {
      tuner.tune(track, { height: 180, frameRate: 15 });
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(asked).toEqual([180]);
  });

  it('does not go down when a larger size is wanted again before the wait is over (a layout settling)', async () => {
    const tuner = new CaptureTuner(() => undefined, 2000);
    const { track, asked } = cameraTrack();
    tuner.tune(track, { height: 180, frameRate: 15 });
    await vi.advanceTimersByTimeAsync(1000);
    tuner.tune(track, { height: 720, frameRate: 30 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(asked).toEqual([]);
  });

  it('leaves a source that cannot be resized alone from then on', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const resized = vi.fn();
    const tuner = new CaptureTuner(resized, 0);
    const { track, applyConstraints } = cameraTrack(true);
    tuner.tune(track, { height: 360, frameRate: 24 });
    await vi.advanceTimersByTimeAsync(10);
    tuner.tune(track, { height: 180, frameRate: 15 });
    await vi.advanceTimersByTimeAsync(10);
    expect(applyConstraints).toHaveBeenCalledTimes(1);
    expect(resized).not.toHaveBeenCalled();
  });

  it('gives the camera back its full size when the meeting ends', async () => {
    const tuner = new CaptureTuner(() => undefined, 0);
    const { track, asked } = cameraTrack();
    tuner.tune(track, { height: 360, frameRate: 24 });
    await vi.advanceTimersByTimeAsync(10);
    tuner.restore(track);
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toEqual([360, 720]);
  });
});
