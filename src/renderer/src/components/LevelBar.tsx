import type { ReactElement } from 'react';

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
