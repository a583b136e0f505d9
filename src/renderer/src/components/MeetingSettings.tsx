import { useState, type FormEvent, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { failureText } from '../text/failures';
import { MIN_PASSCODE_CHARS, type HostSettings, type RoomSettings } from '@roundtable/signaling-server/protocol';

/** The settings shown as switches. */
type Switch = 'locked' | 'waitingRoom' | 'keepChat';

function withoutAnswered(asked: Partial<Record<Switch, boolean>>, change: HostSettings): Partial<Record<Switch, boolean>> {
  return Object.fromEntries(Object.entries(asked).filter(([key, on]) => change[key as Switch] !== on));
}

/** For the host: lock the meeting, the waiting room, the passcode, whether the chat outlives the meeting. */
export function MeetingSettings({ settings, onChange }: { settings: RoomSettings; onChange: (change: HostSettings) => Promise<void> }): ReactElement {
  const [passcode, setPasscode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();
  // A switch shows what was asked at once, until the server answers: its settings come from the
  // server (which sends them to the meeting before it answers the host), and on a slow link or a
  // busy machine that takes a while. A refusal puts the switch back and says why.
  const [asked, setAsked] = useState<Partial<Record<Switch, boolean>>>({});
  const shown = (key: Switch): boolean => asked[key] ?? settings[key];
  const apply = (change: HostSettings): void => {
    setError(null);
    // Only what this request asked: a second click on the same switch waits for its own answer.
    const answered = (): void => setAsked((current) => withoutAnswered(current, change));
    onChange(change).then(answered, (e: unknown) => {
      answered();
      setError(failureText(e));
    });
  };
  const toggle = (key: Switch, on: boolean): void => {
    setAsked((current) => ({ ...current, [key]: on }));
    apply({ [key]: on });
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (passcode.trim().length < MIN_PASSCODE_CHARS) return setError(t('meetingSettings.passcodeTooShort', { min: MIN_PASSCODE_CHARS }));
    apply({ passcode: passcode.trim() });
    setPasscode('');
  };
  return (
    <section className="meeting-settings" data-testid="meeting-settings" aria-label={t('meetingSettings.region')}>
      <label className="switch">
        <input type="checkbox" data-testid="lock-toggle" checked={shown('locked')} onChange={(e) => toggle('locked', e.target.checked)} />
        <span>{t('meetingSettings.lock')}</span>
      </label>
      <label className="switch">
        <input type="checkbox" data-testid="waiting-room-toggle" checked={shown('waitingRoom')} onChange={(e) => toggle('waitingRoom', e.target.checked)} />
        <span>{t('meetingSettings.waitingRoom')}</span>
      </label>
      <label className="switch">
        <input type="checkbox" data-testid="keep-chat-toggle" checked={shown('keepChat')} onChange={(e) => toggle('keepChat', e.target.checked)} />
        <span>{t('meetingSettings.keepChat')}</span>
      </label>
      {settings.hasPasscode ? (
        <div className="row">
          <span className="muted">{t('meetingSettings.passcodeSet')}</span>
          <button type="button" className="secondary small" data-testid="remove-passcode" onClick={() => apply({ passcode: null })}>
            {t('meetingSettings.removePasscode')}
          </button>
        </div>
      ) : (
        <form className="row" onSubmit={submit}>
          <input
            data-testid="new-passcode"
            value={passcode}
            onChange={(e) => setPasscode(e.target.value)}
            placeholder={t('meetingSettings.setPasscode')}
            maxLength={64}
            autoComplete="off"
          />
          <button type="submit" className="secondary small">
            {t('meetingSettings.set')}
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
