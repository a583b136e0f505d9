import { useState, type ReactElement } from 'react';
import { Avatar } from './Avatar';
import { Icon } from './Icons';
import { VideoView } from './VideoView';

export interface TileProps {
  participantId: string;
  name: string;
  isLocal: boolean;
  videoTrack: MediaStreamTrack | null;
  /** What the participant says they send; video off shows their initials. */
  audioOn: boolean;
  videoOn: boolean;
  width: number;
  height: number;
  connection?: RTCPeerConnectionState;
}

export function Tile({ participantId, name, isLocal, videoTrack, audioOn, videoOn, width, height, connection }: TileProps): ReactElement {
  const [showing, setShowing] = useState(false);
  const showVideo = videoOn && videoTrack !== null;
  const label = isLocal ? `${name} (you)` : name;
  return (
    <div
      className="tile"
      data-testid="tile"
      data-participant-id={participantId}
      data-local={isLocal ? 'true' : undefined}
      data-video={showVideo && showing ? 'on' : 'off'}
      style={{ width, height }}
    >
      <VideoView track={showVideo ? videoTrack : null} mirrored={isLocal} onShowingChange={setShowing} />
      {!(showVideo && showing) && (
        <div className="placeholder">
          <Avatar name={name} seed={participantId} />
        </div>
      )}
      <div className="tile-label">
        {!audioOn && (
          <span className="muted-icon" data-testid="muted-icon" title={`${name} is muted`}>
            <Icon name="micOff" size={14} />
          </span>
        )}
        <span className="tile-name">{label}</span>
      </div>
      {connection && connection !== 'connected' && connection !== 'new' && (
        <div className="tile-status">{connection === 'connecting' ? 'Connecting…' : 'Connection lost, retrying…'}</div>
      )}
    </div>
  );
}
