import { useState, type FormEvent, type ReactElement } from 'react';
import { failureText } from '../text/failures';
import { MIN_PASSCODE_CHARS, type HostSettings, type RoomSettings } from '@roundtable/signaling-server/protocol';

/** For the host: lock the meeting, the waiting room, the passcode, whether the chat outlives the meeting. */
export function MeetingSettings({ settings, onChange }: { settings: RoomSettings; onChange: (change: HostSettings) => Promise<void> }): ReactElement {
  const [passcode, setPasscode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const apply = (change: HostSettings): void => {
    setError(null);
    onChange(change).catch((e: unknown) => setError(failureText(e)));
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (passcode.trim().length < MIN_PASSCODE_CHARS) return setError(`A passcode has at least ${MIN_PASSCODE_CHARS} characters.`);
    apply({ passcode: passcode.trim() });
    setPasscode('');
  };
  return (
    <section className="meeting-settings" data-testid="meeting-settings" aria-label="Meeting settings">
      <label className="switch">
        <input type="checkbox" data-testid="lock-toggle" checked={settings.locked} onChange={(e) => apply({ locked: e.target.checked })} />
        <span>Lock the meeting (nobody new can join)</span>
      </label>
      <label className="switch">
        <input type="checkbox" data-testid="waiting-room-toggle" checked={settings.waitingRoom} onChange={(e) => apply({ waitingRoom: e.target.checked })} />
        <span>Waiting room (you let people in)</span>
      </label>
      <label className="switch">
        <input type="checkbox" data-testid="keep-chat-toggle" checked={settings.keepChat} onChange={(e) => apply({ keepChat: e.target.checked })} />
        <span>Keep the chat when the meeting ends (only you can start it again)</span>
      </label>
      {settings.hasPasscode ? (
        <div className="row">
          <span className="muted">A passcode is set.</span>
          <button type="button" className="secondary small" data-testid="remove-passcode" onClick={() => apply({ passcode: null })}>
            Remove passcode
          </button>
        </div>
      ) : (
        <form className="row" onSubmit={submit}>
          <input
            data-testid="new-passcode"
            value={passcode}
            onChange={(e) => setPasscode(e.target.value)}
            placeholder="Set a passcode"
            maxLength={64}
            autoComplete="off"
          />
          <button type="submit" className="secondary small">
            Set
          </button>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
