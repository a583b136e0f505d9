import { useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '../call/call-session';
import type { LinkQuality } from '../call/quality';
import { Avatar } from './Avatar';
import { Icon } from './Icons';
import { QualityIndicator } from './QualityIndicator';
import { VideoView } from './VideoView';

export interface TileProps {
  participantId: string;
  name: string;
  isLocal: boolean;
  /** A camera (the default) or a shared screen, which is shown whole and never mirrored. */
  kind?: 'camera' | 'screen';
  videoTrack: MediaStreamTrack | null;
  /** What the participant says they send; video off shows their initials. */
  audioOn: boolean;
  videoOn: boolean;
  /** False when the layout shows this person as audio only (large meetings). */
  videoAllowed?: boolean;
  width: number;
  height: number;
  connection?: ConnectionStatus;
  /** The server lost them; their media may still flow. */
  away?: boolean;
  hand?: number | null;
  host?: boolean;
  /** Their place in the queue of raised hands, from 1. */
  handOrder?: number;
  speaking?: boolean;
  pinned?: boolean;
  onTogglePin?: () => void;
  reactions?: ReadonlyArray<{ key: string; emoji: string }>;
  quality?: LinkQuality;
}

export function Tile(props: TileProps): ReactElement {
  const {
    participantId,
    name,
    isLocal,
    kind = 'camera',
    videoTrack,
    audioOn,
    videoOn,
    videoAllowed = true,
    connection,
    hand,
    handOrder,
    speaking,
    pinned,
  } = props;
  const [showing, setShowing] = useState(false);
  const { t } = useTranslation();
  const showVideo = videoOn && videoAllowed && videoTrack !== null;
  const label = isLocal ? t('tile.you', { name }) : name;
  const small = props.width < 260;
  return (
    <div
      className={`tile${speaking ? ' speaking' : ''}${small ? ' small' : ''}${kind === 'screen' ? ' screen' : ''}`}
      data-kind={kind}
      data-testid="tile"
      data-participant-id={participantId}
      data-local={isLocal ? 'true' : undefined}
      data-video={showVideo && showing ? 'on' : 'off'}
      data-hand={hand ? 'raised' : undefined}
      data-pinned={pinned ? 'true' : undefined}
      data-speaking={speaking ? 'true' : undefined}
    >
      <VideoView
        track={showVideo ? videoTrack : null}
        mirrored={isLocal && kind === 'camera'}
        keepPlayer={isLocal && kind === 'camera'}
        onShowingChange={setShowing}
      />
      {!(showVideo && showing) && (
        <div className="placeholder">
          <Avatar name={name} seed={participantId} />
          {videoOn && !videoAllowed && <span className="audio-only">{t('tile.audioOnly')}</span>}
        </div>
      )}
      {hand ? (
        <div className="hand-badge" data-testid="hand-badge" title={t('tile.handRaised', { name })}>
          ✋{handOrder ? <span>{handOrder}</span> : null}
        </div>
      ) : null}
      <div className="tile-actions">
        {props.quality && <QualityIndicator quality={props.quality} />}
        {props.onTogglePin && (
          <button
            type="button"
            className={`tile-button${pinned ? ' on' : ''}`}
            data-testid="pin-button"
            title={pinned ? t('tile.unpin', { name }) : t('tile.pin', { name })}
            onClick={props.onTogglePin}
          >
            <Icon name="pin" size={16} />
          </button>
        )}
      </div>
      <div className="tile-label">
        {!audioOn && (
          <span className="muted-icon" data-testid="muted-icon" title={t('tile.muted', { name })}>
            <Icon name="micOff" size={small ? 16 : 18} />
          </span>
        )}
        <span className="tile-name">{label}</span>
        {props.host && (
          <span className="host-badge" data-testid="host-badge" title={t('tile.hosts', { name })}>
            {t('tile.host')}
          </span>
        )}
      </div>
      {props.away ? (
        <div className="tile-status">{t('tile.away')}</div>
      ) : connection === 'connecting' ? (
        // Shown only if connecting takes a while (styles.css): a join connects in a fraction of a second.
        <div className="tile-status slow">{t('tile.connecting')}</div>
      ) : (
        connection === 'lost' && <div className="tile-status">{t('tile.lost')}</div>
      )}
      {props.reactions && props.reactions.length > 0 && (
        <div className="reaction-burst" data-testid="reaction-burst" aria-live="polite">
          {props.reactions.map((r, i) => (
            <span key={r.key} style={{ left: `${20 + ((i * 23) % 60)}%` }}>
              {r.emoji}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
