import type { ReactElement } from 'react';
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
  return (
    <>
      <button
        type="button"
        className={micOn ? 'round' : 'round off'}
        data-testid="mic-toggle"
        aria-pressed={!micOn}
        title={micOn ? 'Mute (M)' : 'Unmute (M)'}
        onClick={onToggleMic}
      >
        <Icon name={micOn ? 'mic' : 'micOff'} />
      </button>
      <button
        type="button"
        className={cameraOn ? 'round' : 'round off'}
        data-testid="camera-toggle"
        aria-pressed={!cameraOn}
        title={cameraOn ? 'Turn camera off (V)' : 'Turn camera on (V)'}
        onClick={onToggleCamera}
      >
        <Icon name={cameraOn ? 'camera' : 'cameraOff'} />
      </button>
    </>
  );
}
