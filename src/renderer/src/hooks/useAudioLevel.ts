import { useEffect, useState } from 'react';
import { createLevelMeter } from '../call/level-meter';

/**
 * The level (0..1) of an audio track, sampled about 20 times a second and rounded to `steps`
 * steps. The component using it re-renders only when the level moves by a step, so keep that
 * component small, and ask for no finer steps than it draws.
 */
export function useAudioLevel(track: MediaStreamTrack | null, steps: number): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track) return;
    const meter = createLevelMeter(track);
    const timer = setInterval(() => setLevel(track.enabled ? Math.round(meter.level() * steps) / steps : 0), 50);
    return () => {
      clearInterval(timer);
      meter.close();
    };
  }, [track, steps]);
  return track ? level : 0;
}
