import type { ReactElement } from 'react';
import { Rich } from './Rich';
import { useTranslation } from 'react-i18next';

interface Props {
  room: string;
  onLeave: () => void;
  /** Start the meeting ourselves: offered when we did not ask to start it (it may not be running yet). */
  onStart?: (() => void) | undefined;
}

/**
 * Waiting to be let in. The server answers the same whether the meeting has a waiting room or has
 * not started yet (so trying codes tells a stranger nothing), and so does this screen.
 */
export function WaitingScreen({ room, onLeave, onStart }: Props): ReactElement {
  const { t } = useTranslation();
  return (
    <main className="home">
      <section className="card home-card waiting-card" data-testid="waiting-screen" aria-live="polite">
        <div className="spinner" aria-hidden="true" />
        <h1>{t('waitingScreen.title')}</h1>
        <p className="muted">
          <Rich k="waitingScreen.detail" values={{ room }} tags={{ strong: (chunks) => <strong>{chunks}</strong> }} />
        </p>
        {onStart && (
          <p className="muted">
            <Rich
              k="waitingScreen.yours"
              tags={{
                start: (chunks) => (
                  <button type="button" className="link-button" data-testid="start-meeting" onClick={onStart}>
                    {chunks}
                  </button>
                ),
              }}
            />
          </p>
        )}
        <div className="row end">
          <button type="button" className="secondary" data-testid="leave-button" onClick={onLeave}>
            {t('waitingScreen.leave')}
          </button>
        </div>
      </section>
    </main>
  );
}
