import { useEffect, useState } from 'react';
import { createLevelMeter } from '../call/level-meter';

/** Levels are reported in steps of this much: a meter drawn in a dozen segments needs no finer. */
const STEP = 1 / 24;

/**
 * The level (0..1, in steps of 1/24) of an audio track, sampled about 20 times a second. The
 * component using it re-renders only when the level moves by a step, so keep that component small.
 */
export function useAudioLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track) return;
    const meter = createLevelMeter(track);
    const timer = setInterval(() => setLevel(track.enabled ? Math.round(meter.level() / STEP) * STEP : 0), 50);
    return () => {
      clearInterval(timer);
      meter.close();
    };
  }, [track]);
  return track ? level : 0;
}
