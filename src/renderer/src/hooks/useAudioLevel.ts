import { useEffect, useState } from 'react';
import { createLevelMeter } from '../call/level-meter';

/** The level (0..1) of an audio track, sampled about 20 times a second. */
export function useAudioLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track) return;
    const meter = createLevelMeter(track);
    const timer = setInterval(() => setLevel(track.enabled ? meter.level() : 0), 50);
    return () => {
      clearInterval(timer);
      meter.close();
    };
  }, [track]);
  return track ? level : 0;
}
