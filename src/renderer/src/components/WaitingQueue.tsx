import { useEffect, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { WaitingPerson } from '@roundtable/signaling-server/protocol';
import { t } from '../text/i18n';

interface Props {
  waiting: readonly WaitingPerson[];
  onAdmit: (id: string) => void;
  onDeny: (id: string) => void;
  onAdmitAll: () => void;
}

/** "waiting 12 s", "waiting 3 min". */
function waitedFor(since: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - since) / 1000));
  return seconds < 60 ? t('queue.waitingSeconds', { seconds }) : t('queue.waitingMinutes', { minutes: Math.floor(seconds / 60) });
}

/** For the host: who waits to be let in, with Admit / Deny / Admit all. */
export function WaitingQueue({ waiting, onAdmit, onDeny, onAdmitAll }: Props): ReactElement | null {
  const [now, setNow] = useState(() => Date.now());
  // Re-renders in a new language.
  useTranslation();
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (waiting.length === 0) return null;
  return (
    <section className="waiting-queue card" data-testid="waiting-queue" aria-label={t('queue.region')} aria-live="polite">
      <header>
        <h2>
          {t('queue.heading')} <span className="count">{waiting.length}</span>
        </h2>
        {waiting.length > 1 && (
          <button type="button" className="secondary small" data-testid="admit-all" onClick={onAdmitAll}>
            {t('queue.admitAll')}
          </button>
        )}
      </header>
      <ul>
        {waiting.map((person) => (
          <li key={person.id} data-testid="waiting-person" data-participant-id={person.id}>
            <span className="waiting-name">{person.name}</span>
            <span className="muted">{waitedFor(person.since, now)}</span>
            <button type="button" className="secondary small" data-testid="deny-button" onClick={() => onDeny(person.id)}>
              {t('queue.deny')}
            </button>
            <button type="button" className="primary small" data-testid="admit-button" onClick={() => onAdmit(person.id)}>
              {t('queue.admit')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
