import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { VideoView } from './VideoView';
import './SharePreview.css';

/**
 * For the person sharing: a small picture of what the others see of their screen. On a phone it
 * also carries the Stop button, instead of the sharing bar (which would cover the header there).
 */
export function SharePreview({ track, onStop }: { track: MediaStreamTrack | null; onStop: () => void }): ReactElement {
  const { t } = useTranslation();
  return (
    <figure className="share-preview" data-testid="share-preview" aria-label={t('screen.preview')}>
      <VideoView track={track} />
      <figcaption>{t('screen.yourScreen')}</figcaption>
      <button type="button" className="round danger wide small share-preview-stop" data-testid="preview-stop-sharing" onClick={onStop}>
        {t('screen.stopSharing')}
      </button>
    </figure>
  );
}
