import { useState, type FormEvent, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiscoveredMeeting } from '@shared/ipc/hosting';
import { getLobby, type LobbyState } from '../platform/lobby';
import { useStore } from '../hooks/useStore';
import { Rich } from './Rich';
import './DiscoveredMeetings.css';

interface ViewProps {
  lobby: LobbyState;
  onHost: () => void;
  onStopHosting: () => void;
  onCopyInvite: () => void;
  onJoin: (meeting: DiscoveredMeeting) => void;
  onJoinLink: (link: string) => void;
  copied: boolean;
}

/** "Meetings on this network", hosting from the desktop app, and joining by invite link. */
export function DiscoveredMeetingsView({ lobby, onHost, onStopHosting, onCopyInvite, onJoin, onJoinLink, copied }: ViewProps): ReactElement {
  const [link, setLink] = useState('');
  const { hosting, meetings, busy, error } = lobby;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (link.trim()) onJoinLink(link.trim());
  };
  const own = hosting.state === 'hosting' ? hosting.invite.code : null;
  const { t } = useTranslation();
  const hostingError = hosting.state === 'idle' && hosting.lastError !== null ? t('desktopFailures.couldNotHost', { reason: hosting.lastError }) : null;

  return (
    <section className="card lobby" data-testid="discovered-meetings" aria-label={t('lobby.region')}>
      {hosting.state === 'hosting' ? (
        <div className="lobby-hosting" data-testid="hosting-panel">
          <div>
            <div className="lobby-label">{t('lobby.youAreHosting')}</div>
            <div className="lobby-title">{hosting.invite.meetingName}</div>
            <div className="muted">
              <Rich
                k="lobby.code"
                values={{ code: hosting.invite.code, count: hosting.participants }}
                tags={{ strong: (chunks) => <strong data-testid="hosting-code">{chunks}</strong> }}
              />
            </div>
            <div className="muted lobby-fingerprint">
              {t('lobby.fingerprint')} <code data-testid="hosting-fingerprint">{hosting.invite.fingerprintText}</code>
            </div>
            <ul className="lobby-links">
              {hosting.invite.links.map((l) => (
                <li key={l.address} data-testid="invite-link">
                  {l.url}
                </li>
              ))}
            </ul>
          </div>
          <div className="row">
            <button type="button" className="secondary" data-testid="copy-invite" onClick={onCopyInvite}>
              {copied ? t('lobby.copied') : t('lobby.copyInvite')}
            </button>
            <button type="button" className="secondary danger" data-testid="stop-hosting" onClick={onStopHosting} disabled={busy}>
              {t('lobby.stopHosting')}
            </button>
          </div>
        </div>
      ) : (
        <div className="lobby-host">
          <div>
            <div className="lobby-title">{t('lobby.hostHere')}</div>
            <div className="muted">{t('lobby.hostHereDetail')}</div>
          </div>
          <button type="button" className="primary" data-testid="host-meeting" onClick={onHost} disabled={busy}>
            {t('lobby.host')}
          </button>
        </div>
      )}

      <h2 className="lobby-heading">{t('lobby.heading')}</h2>
      {meetings.length === 0 ? (
        <p className="muted lobby-empty">{t('lobby.none')}</p>
      ) : (
        <ul className="lobby-list">
          {meetings.map((m) => (
            <li key={m.id} className="lobby-meeting" data-testid="discovered-meeting" data-code={m.code}>
              <div>
                <div className="lobby-title">{m.meetingName}</div>
                <div className="muted">
                  {m.code} · {m.addresses[0]}:{m.port}
                  {m.code === own ? ` · ${t('lobby.yours')}` : ''}
                  {!m.compatible ? ` · ${t('lobby.otherVersion')}` : ''}
                </div>
              </div>
              <button type="button" className="secondary" onClick={() => onJoin(m)} disabled={busy || !m.compatible}>
                {t('lobby.join')}
              </button>
            </li>
          ))}
        </ul>
      )}

      <form className="lobby-invite" onSubmit={submit}>
        <input
          data-testid="invite-input"
          value={link}
          onChange={(e) => setLink(e.target.value)}
          placeholder={t('lobby.pasteInvite')}
          aria-label={t('lobby.inviteLink')}
        />
        <button type="submit" className="secondary" data-testid="invite-join" disabled={busy || !link.trim()}>
          {t('lobby.join')}
        </button>
      </form>
      {(error ?? hostingError) && (
        <p className="form-error" role="alert" data-testid="lobby-error">
          {error ?? hostingError}
        </p>
      )}
    </section>
  );
}

/** The desktop app's lobby; a browser guest sees nothing here. `name` is the one typed on the home screen. */
export function DiscoveredMeetings({ name }: { name: string }): ReactElement | null {
  const lobby = getLobby();
  const state = useStore(lobby.state);
  const [copied, setCopied] = useState(false);
  if (!state.available) return null;
  return (
    <DiscoveredMeetingsView
      lobby={state}
      copied={copied}
      onHost={() => void lobby.host(name)}
      onStopHosting={() => void lobby.stopHosting()}
      onCopyInvite={() => void lobby.copyInvite().then((text) => setCopied(text !== null))}
      onJoin={(meeting) => void lobby.joinDiscovered(meeting, name)}
      onJoinLink={(link) => void lobby.joinLink(link, name)}
    />
  );
}
