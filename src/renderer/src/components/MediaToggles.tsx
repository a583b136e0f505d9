import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './Icons';

/** The microphone and camera switches, the same on the pre-join screen and in the meeting. */
export function MediaToggles({
  micOn,
  cameraOn,
  onToggleMic,
  onToggleCamera,
}: {
  micOn: boolean;
  cameraOn: boolean;
  onToggleMic: () => void;
  onToggleCamera: () => void;
}): ReactElement {
  const { t } = useTranslation();
  return (
    <>
      <button
        type="button"
        className={micOn ? 'round' : 'round off'}
        data-testid="mic-toggle"
        aria-pressed={!micOn}
        title={micOn ? t('controls.mute') : t('controls.unmute')}
        onClick={onToggleMic}
      >
        <Icon name={micOn ? 'mic' : 'micOff'} />
      </button>
      <button
        type="button"
        className={cameraOn ? 'round' : 'round off'}
        data-testid="camera-toggle"
        aria-pressed={!cameraOn}
        title={cameraOn ? t('controls.cameraOff') : t('controls.cameraOn')}
        onClick={onToggleCamera}
      >
        <Icon name={cameraOn ? 'camera' : 'cameraOff'} />
      </button>
    </>
  );
}
