import { useState, type FormEvent, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { newMeetingCode, normalizeMeetingCode } from '../platform/meeting-code';

import { getLobby, type LobbyChoice as HomeChoice, type UntrustedServer } from '../platform/lobby';
import { useStore } from '../hooks/useStore';
import type { TextKey } from '../text/i18n';
import { DiscoveredMeetings } from './DiscoveredMeetings';
import { PastMeetings, type PastMeetingsSource } from './PastMeetings';
import { LanguagePicker } from './LanguagePicker';
import { Rich } from './Rich';

interface Props {
  /** The meetings we hosted on the default server (their records), when we hosted any. */
  pastMeetings?: PastMeetingsSource;
  initial: HomeChoice;
  canChooseServer: boolean;
  onContinue: (choice: HomeChoice) => void;
}

interface TrustProps {
  untrusted: UntrustedServer;
  busy: boolean;
  onTrust: () => void;
  onCancel: () => void;
}

/** A server typed without a fingerprint has a self-signed certificate: compare it with the host's before joining. */
export function TrustPrompt({ untrusted, busy, onTrust, onCancel }: TrustProps): ReactElement {
  const { t } = useTranslation();
  return (
    <div className="trust-prompt" role="alertdialog" aria-labelledby="trust-title" data-testid="trust-prompt">
      <p id="trust-title">
        <Rich k="trust.question" values={{ host: untrusted.host }} tags={{ strong: (chunks) => <strong>{chunks}</strong> }} />
      </p>
      <code className="trust-fingerprint" data-testid="trust-fingerprint">
        {untrusted.fingerprintText}
      </code>
      <p className="muted">{t('trust.warning')}</p>
      <div className="row end">
        <button type="button" className="secondary" data-testid="trust-cancel" onClick={onCancel}>
          {t('trust.cancel')}
        </button>
        <button type="button" className="primary" data-testid="trust-and-join" onClick={onTrust} disabled={busy}>
          {t('trust.trustAndJoin')}
        </button>
      </div>
    </div>
  );
}

export function HomeScreen({ initial, canChooseServer, onContinue, pastMeetings }: Props): ReactElement {
  const lobby = getLobby();
  const { untrusted, busy } = useStore(lobby.state);
  const [name, setName] = useState(initial.name);
  const [room, setRoom] = useState(initial.room);
  /** The code came from New meeting (and was not edited since): joining starts the meeting. */
  const [starting, setStarting] = useState(initial.start ?? false);
  const [server, setServer] = useState(initial.server);
  // A link whose code is no meeting code (a Cyrillic one, say) shows it, and says why at once.
  const [error, setError] = useState<TextKey | null>(initial.room && !normalizeMeetingCode(initial.room) ? 'home.badCode' : null);
  const { t } = useTranslation();

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const code = normalizeMeetingCode(room);
    if (!name.trim()) return setError('home.needName');
    if (!code) return setError('home.badCode');
    let url = server.trim();
    if (canChooseServer) {
      // Hosted and `npm run host` servers speak HTTPS; type http:// for a plain one.
      if (!/^https?:\/\//i.test(url)) url = `https://${url}`;
      try {
        url = new URL(url).origin;
      } catch {
        return setError('home.badServer');
      }
    }
    setError(null);
    onContinue({ name: name.trim(), room: code, server: url, ...(starting ? { start: true } : {}) });
  };

  return (
    <main className="home">
      <form className="card home-card" onSubmit={submit}>
        <h1 className="brand">{t('app.name')}</h1>
        <p className="tagline">{t('app.tagline')}</p>
        <label className="field">
          <span>{t('home.yourName')}</span>
          <input
            data-testid="name-input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={64}
            autoComplete="name"
            placeholder={t('home.namePlaceholder')}
            autoFocus={!initial.name}
          />
        </label>
        <label className="field">
          <span>{t('home.meetingCode')}</span>
          <div className="row">
            <input
              data-testid="room-input"
              value={room}
              onChange={(e) => {
                setRoom(e.target.value);
                setStarting(false);
              }}
              maxLength={64}
              placeholder={t('home.codePlaceholder')}
              autoFocus={Boolean(initial.name)}
            />
            <button
              type="button"
              className="secondary"
              data-testid="new-meeting"
              onClick={() => {
                setRoom(newMeetingCode());
                setStarting(true);
              }}
            >
              {t('home.newMeeting')}
            </button>
          </div>
        </label>
        {canChooseServer && (
          <label className="field">
            <span>{t('home.server')}</span>
            <input data-testid="server-input" value={server} onChange={(e) => setServer(e.target.value)} placeholder="192.168.1.20:8443" />
          </label>
        )}
        {error && (
          <p className="form-error" role="alert">
            {t(error)}
          </p>
        )}
        {untrusted && <TrustPrompt untrusted={untrusted} busy={busy} onTrust={() => void lobby.trustAndJoin()} onCancel={() => lobby.dismissUntrusted()} />}
        <button type="submit" className="primary" data-testid="continue-button">
          {t('home.continue')}
        </button>
        <LanguagePicker compact />
      </form>
      <DiscoveredMeetings name={name} />
      {pastMeetings && <PastMeetings source={pastMeetings} />}
    </main>
  );
}
