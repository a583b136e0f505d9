import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useAudioLevel } from '../hooks/useAudioLevel';

/** The bar is drawn in this many segments; the level is read in as many steps, no finer. */
const SEGMENTS = 12;

/** A microphone's live level: its own component, so only the bar re-renders as the level moves. */
export function MicLevel({ track }: { track: MediaStreamTrack | null }): ReactElement {
  return <LevelBar level={useAudioLevel(track, SEGMENTS)} />;
}

export function LevelBar({ level }: { level: number }): ReactElement {
  const lit = Math.round(level * SEGMENTS);
  const { t } = useTranslation();
  return (
    <div
      className="level-bar"
      data-testid="mic-level"
      data-level={level.toFixed(2)}
      role="meter"
      aria-label={t('devices.micLevel')}
      aria-valuemin={0}
      aria-valuemax={1}
      aria-valuenow={level}
    >
      {Array.from({ length: SEGMENTS }, (_, i) => (
        <span key={i} className={i < lit ? 'lit' : ''} />
      ))}
    </div>
  );
}
