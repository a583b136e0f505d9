import { useEffect, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaptureChoice, CaptureSource, CaptureSources } from '@shared/ipc/screen';
import { errorMessage } from '@shared/errors';

interface Props {
  load: () => Promise<CaptureSources>;
  onShare: (choice: CaptureChoice) => void;
  onCancel: () => void;
}

/** The desktop app's own picker: screens and windows with live thumbnails, and "share sound". */
export function ScreenPicker({ load, onShare, onCancel }: Props): ReactElement {
  const [listing, setListing] = useState<CaptureSources | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [audio, setAudio] = useState(false);
  const { t } = useTranslation();

  useEffect(() => {
    let live = true;
    const refresh = (): void =>
      void load().then(
        (next) => live && setListing(next),
        (e: unknown) => live && setError(errorMessage(e)),
      );
    refresh();
    // Thumbnails stay live while the picker is open.
    const timer = setInterval(refresh, 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [load]);

  const group = (kind: CaptureSource['kind']): CaptureSource[] => listing?.sources.filter((s) => s.kind === kind) ?? [];
  const renderGroup = (title: string, items: CaptureSource[]): ReactElement | null =>
    items.length === 0 ? null : (
      <section>
        <h3>{title}</h3>
        <div className="source-grid">
          {items.map((source) => (
            <button
              key={source.id}
              type="button"
              className={`source${selected === source.id ? ' selected' : ''}`}
              data-testid="capture-source"
              aria-pressed={selected === source.id}
              onClick={() => setSelected(source.id)}
              onDoubleClick={() => onShare({ id: source.id, audio })}
            >
              <img src={source.thumbnail} alt="" />
              <span>
                {source.appIcon && <img className="app-icon" src={source.appIcon} alt="" />}
                {source.name}
              </span>
            </button>
          ))}
        </div>
      </section>
    );

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label={t('screen.title')} data-testid="screen-picker">
      <div className="card picker-card">
        <h2>{t('screen.title')}</h2>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {!listing && !error && <p className="muted">{t('screen.looking')}</p>}
        {renderGroup(t('screen.screens'), group('screen'))}
        {renderGroup(t('screen.windows'), group('window'))}
        <div className="row end">
          {listing?.audioAvailable && (
            <label className="switch grow">
              <input type="checkbox" checked={audio} onChange={(e) => setAudio(e.target.checked)} />
              <span>{t('screen.shareSound')}</span>
            </label>
          )}
          <button type="button" className="secondary" onClick={onCancel}>
            {t('screen.cancel')}
          </button>
          <button
            type="button"
            className="primary"
            data-testid="share-source"
            disabled={!selected}
            onClick={() => selected && onShare({ id: selected, audio })}
          >
            {t('screen.share')}
          </button>
        </div>
      </div>
    </div>
  );
}
