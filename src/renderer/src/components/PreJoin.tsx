import { useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalMediaState } from '../call/local-media';
import { useDeviceChoices } from '../hooks/useDeviceChoices';
import { Avatar } from './Avatar';
import { DevicePickers } from './DevicePickers';
import { Icon } from './Icons';
import { MicLevel } from './LevelBar';
import { MediaToggles } from './MediaToggles';
import { VideoView } from './VideoView';
import { Rich } from './Rich';
import { engineWords } from '../text/engine-words';

interface Props {
  name: string;
  room: string;
  media: LocalMediaState;
  speaker: string | undefined;
  joining: boolean;
  error: string | null;
  /** The meeting wants a passcode: ask for it next to the join button. */
  needsPasscode: boolean;
  onCamera: (id: string) => void;
  onMicrophone: (id: string) => void;
  onSpeaker: (id: string) => void;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onJoin: (passcode?: string) => void;
  onBack: () => void;
}

export function PreJoin(props: Props): ReactElement {
  const [passcode, setPasscode] = useState('');
  const { media } = props;
  // The same lists and choices as the app menu.
  const { snapshot: devices } = useDeviceChoices();
  const { t } = useTranslation();
  return (
    <main className="prejoin">
      <section className="card prejoin-card">
        <div className="preview" data-testid="preview">
          <VideoView track={media.cameraEnabled ? media.videoTrack : null} mirrored keepPlayer />
          {!(media.cameraEnabled && media.videoTrack) && (
            <div className="placeholder">
              <Avatar name={props.name} seed={props.name} />
            </div>
          )}
          <div className="preview-controls">
            <MediaToggles micOn={media.micEnabled} cameraOn={media.cameraEnabled} onToggleMic={props.onToggleMic} onToggleCamera={props.onToggleCamera} />
          </div>
        </div>
        <div className="prejoin-side">
          <header>
            <h1>{t('prejoin.ready')}</h1>
            <p className="muted">
              <Rich
                k="prejoin.meetingAs"
                values={{ room: props.room, name: props.name }}
                tags={{ meeting: (chunks) => <strong data-testid="meeting-code">{chunks}</strong>, strong: (chunks) => <strong>{chunks}</strong> }}
              />
            </p>
          </header>
          <div className="meter-row">
            <Icon name="mic" size={16} />
            <MicLevel track={media.audioTrack} />
          </div>
          <DevicePickers
            snapshot={devices}
            onSelect={(role, key) => (role === 'camera' ? props.onCamera : role === 'microphone' ? props.onMicrophone : props.onSpeaker)(key)}
          />
          {(media.error || props.error) && (
            <p className="form-error" role="alert">
              {props.error ?? engineWords(media.error)}
            </p>
          )}
          {props.needsPasscode && (
            <label className="field">
              <span>{t('prejoin.passcode')}</span>
              <input
                data-testid="passcode-input"
                type="password"
                value={passcode}
                maxLength={64}
                autoFocus
                onChange={(e) => setPasscode(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && passcode) props.onJoin(passcode);
                }}
              />
            </label>
          )}
          <div className="row end">
            <button type="button" className="secondary" onClick={props.onBack}>
              {t('prejoin.back')}
            </button>
            <button
              type="button"
              className="primary"
              data-testid="join-button"
              disabled={props.joining}
              onClick={() => props.onJoin(props.needsPasscode ? passcode : undefined)}
            >
              {props.joining ? t('prejoin.joining') : t('prejoin.join')}
            </button>
          </div>
        </div>
      </section>
    </main>
  );
}
