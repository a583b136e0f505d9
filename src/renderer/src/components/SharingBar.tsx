import type { ReactElement } from 'react';

/** Shown to the person sharing their screen, with the way out. */
export function SharingBar({ withAudio, onStop }: { withAudio: boolean; onStop: () => void }): ReactElement {
  return (
    <div className="sharing-bar" data-testid="sharing-bar" role="status">
      <span className="recording-dot" aria-hidden="true" />
      <span>You are sharing your screen{withAudio ? ' and its sound' : ''}</span>
      <button type="button" className="round danger wide small" data-testid="stop-sharing" onClick={onStop}>
        Stop
      </button>
    </div>
  );
}
