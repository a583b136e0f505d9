import { useEffect, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecorderState } from '../call/recorder';
import { engineWords } from '../text/engine-words';
import './RecordButton.css';

interface Props {
  state: RecorderState;
  /** Where a recording goes, for the button's title. */
  destination: 'desktop' | 'download';
  onStart: () => void;
  onStop: () => void;
  onReveal: () => void;
  onDismiss: () => void;
}

function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(seconds / 3600);
  return `${h ? `${h}:` : ''}${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/**
 * Record: the meeting as seen, to the Videos folder (desktop) or a download (browser). While it
 * runs the button shows the time; after Stop, how far the file is made, then where it went.
 */
export function RecordButton({ state, destination, onStart, onStop, onReveal, onDismiss }: Props): ReactElement {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (state.phase !== 'recording') return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [state.phase]);

  const { t } = useTranslation();
  const recording = state.phase === 'recording';
  const busy = state.phase === 'starting' || state.phase === 'saving';
  const title = recording ? t('record.stop') : destination === 'desktop' ? t('record.startDesktop') : t('record.startDownload');

  return (
    <div className="record">
      {/* Idle it reads "Record" with a plain ring; only a recording running is red (a pulsing dot and the time). */}
      <button
        type="button"
        className={recording ? 'round wide record-button recording' : 'round wide record-button'}
        data-testid="record-button"
        aria-pressed={recording}
        data-started-at={state.startedAt ?? undefined}
        disabled={busy}
        title={title}
        onClick={recording ? onStop : onStart}
      >
        <span className={recording ? 'record-dot' : 'record-ring'} aria-hidden="true" />
        {recording ? (
          <span data-testid="record-elapsed">{clock(now - (state.startedAt ?? now))}</span>
        ) : (
          <span className="record-label">{state.phase === 'starting' ? t('record.starting') : t('record.record')}</span>
        )}
      </button>
      {state.phase === 'saving' && (
        <div className="record-status" role="status" data-testid="recording-progress" data-percent={state.percent ?? 0}>
          {t('record.saving', { percent: state.percent ?? 0 })}
          <progress max={100} value={state.percent ?? 0} />
        </div>
      )}
      {state.phase === 'saved' && (
        <div className="record-status" role="status" data-testid="recording-saved" data-saved-as={state.savedAs ?? ''}>
          <span>{t('record.saved', { file: state.savedAs ?? '' })}</span>
          {state.canReveal && (
            <button type="button" className="secondary small" onClick={onReveal}>
              {t('record.showInFolder')}
            </button>
          )}
          <button type="button" className="secondary small" aria-label={t('record.close')} onClick={onDismiss}>
            ✕
          </button>
        </div>
      )}
      {state.phase === 'failed' && (
        <div className="record-status error" role="alert" data-testid="recording-error">
          <span>{engineWords(state.error)}</span>
          <button type="button" className="secondary small" aria-label={t('record.close')} onClick={onDismiss}>
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
