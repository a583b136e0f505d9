import type { ReactElement } from 'react';
import { useAudioLevel } from '../hooks/useAudioLevel';

/** A microphone's live level: its own component, so only the bar re-renders as the level moves. */
export function MicLevel({ track }: { track: MediaStreamTrack | null }): ReactElement {
  return <LevelBar level={useAudioLevel(track)} />;
}

export function LevelBar({ level }: { level: number }): ReactElement {
  const segments = 12;
  const lit = Math.round(level * segments);
  return (
    <div
      className="level-bar"
      data-testid="mic-level"
      data-level={level.toFixed(2)}
      role="meter"
      aria-label="Microphone level"
      aria-valuemin={0}
      aria-valuemax={1}
      aria-valuenow={level}
    >
      {Array.from({ length: segments }, (_, i) => (
        <span key={i} className={i < lit ? 'lit' : ''} />
      ))}
    </div>
  );
}
