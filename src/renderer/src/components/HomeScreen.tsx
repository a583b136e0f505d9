import { useState, type FormEvent, type ReactElement } from 'react';
import { newMeetingCode, normalizeMeetingCode } from '../platform/meeting-code';

import { getLobby, type LobbyChoice as HomeChoice, type UntrustedServer } from '../platform/lobby';
import { useStore } from '../hooks/useStore';
import { DiscoveredMeetings } from './DiscoveredMeetings';

interface Props {
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
  return (
    <div className="trust-prompt" role="alertdialog" aria-labelledby="trust-title" data-testid="trust-prompt">
      <p id="trust-title">
        Nobody vouches for the certificate of <strong>{untrusted.host}</strong> (a meeting hosted on a local network has its own). Compare its fingerprint with
        the one the host shows:
      </p>
      <code className="trust-fingerprint" data-testid="trust-fingerprint">
        {untrusted.fingerprintText}
      </code>
      <p className="muted">Join only if every pair matches: if they differ, someone on the network may be listening in.</p>
      <div className="row end">
        <button type="button" className="secondary" data-testid="trust-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="primary" data-testid="trust-and-join" onClick={onTrust} disabled={busy}>
          Trust and join
        </button>
      </div>
    </div>
  );
}

export function HomeScreen({ initial, canChooseServer, onContinue }: Props): ReactElement {
  const lobby = getLobby();
  const { untrusted, busy } = useStore(lobby.state);
  const [name, setName] = useState(initial.name);
  const [room, setRoom] = useState(initial.room);
  /** The code came from New meeting (and was not edited since): joining starts the meeting. */
  const [starting, setStarting] = useState(initial.start ?? false);
  const [server, setServer] = useState(initial.server);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const code = normalizeMeetingCode(room);
    if (!name.trim()) return setError('Enter your name so others know who you are.');
    if (!code) return setError('A meeting code uses Latin letters (a–z), digits and dashes, like ocean-ladder-fancy.');
    let url = server.trim();
    if (canChooseServer) {
      // Hosted and `npm run host` servers speak HTTPS; type http:// for a plain one.
      if (!/^https?:\/\//i.test(url)) url = `https://${url}`;
      try {
        url = new URL(url).origin;
      } catch {
        return setError('Enter the meeting server as host:port or a link, like 192.168.1.20:8443.');
      }
    }
    setError(null);
    onContinue({ name: name.trim(), room: code, server: url, ...(starting ? { start: true } : {}) });
  };

  return (
    <main className="home">
      <form className="card home-card" onSubmit={submit}>
        <h1 className="brand">Roundtable</h1>
        <p className="tagline">Meet on your own network. No account, no cloud.</p>
        <label className="field">
          <span>Your name</span>
          <input
            data-testid="name-input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={64}
            autoComplete="name"
            placeholder="Ada Lovelace"
            autoFocus={!initial.name}
          />
        </label>
        <label className="field">
          <span>Meeting code</span>
          <div className="row">
            <input
              data-testid="room-input"
              value={room}
              onChange={(e) => {
                setRoom(e.target.value);
                setStarting(false);
              }}
              maxLength={64}
              placeholder="ocean-ladder-fancy-drip-carbon-tower"
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
              New meeting
            </button>
          </div>
        </label>
        {canChooseServer && (
          <label className="field">
            <span>Meeting server</span>
            <input data-testid="server-input" value={server} onChange={(e) => setServer(e.target.value)} placeholder="192.168.1.20:8443" />
          </label>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {untrusted && <TrustPrompt untrusted={untrusted} busy={busy} onTrust={() => void lobby.trustAndJoin()} onCancel={() => lobby.dismissUntrusted()} />}
        <button type="submit" className="primary" data-testid="continue-button">
          Continue
        </button>
      </form>
      <DiscoveredMeetings name={name} />
    </main>
  );
}
