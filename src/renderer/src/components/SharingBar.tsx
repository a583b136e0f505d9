import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';

/** Shown to the person sharing their screen, with the way out. */
export function SharingBar({ withAudio, onStop }: { withAudio: boolean; onStop: () => void }): ReactElement {
  const { t } = useTranslation();
  return (
    <div className="sharing-bar" data-testid="sharing-bar" role="status">
      <span className="recording-dot" aria-hidden="true" />
      <span>{withAudio ? t('screen.sharingWithSound') : t('screen.sharing')}</span>
      <button type="button" className="round danger wide small" data-testid="stop-sharing" onClick={onStop}>
        {t('screen.stop')}
      </button>
    </div>
  );
}
