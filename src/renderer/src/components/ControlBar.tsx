import type { ReactElement } from 'react';
import { Icon } from './Icons';

interface Props {
  micOn: boolean;
  cameraOn: boolean;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onLeave: () => void;
}

export function ControlBar({ micOn, cameraOn, onToggleMic, onToggleCamera, onLeave }: Props): ReactElement {
  return (
    <nav className="control-bar" aria-label="Meeting controls">
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
      <button type="button" className="round danger wide" data-testid="leave-button" title="Leave the meeting" onClick={onLeave}>
        <Icon name="leave" />
        <span>Leave</span>
      </button>
    </nav>
  );
}
