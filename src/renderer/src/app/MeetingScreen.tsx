import { useMemo, type ReactElement } from 'react';
import type { CallSession } from '../call/call-session';
import type { LocalMedia } from '../call/local-media';
import { AudioSinks } from '../components/AudioSinks';
import { ControlBar } from '../components/ControlBar';
import { Icon } from '../components/Icons';
import { TileGrid, type TileModel } from '../components/TileGrid';
import { useStore } from '../hooks/useStore';

interface Props {
  session: CallSession;
  media: LocalMedia;
  speaker: string | undefined;
  onLeave: () => void;
}

export function MeetingScreen({ session, media, speaker, onLeave }: Props): ReactElement {
  const call = useStore(session.state);
  const local = useStore(media.state);

  const tiles = useMemo<TileModel[]>(() => {
    const self: TileModel = {
      participantId: call.self?.id ?? 'self',
      name: call.self?.name ?? '',
      isLocal: true,
      videoTrack: local.videoTrack,
      audioOn: local.micEnabled && local.audioTrack !== null,
      videoOn: local.cameraEnabled,
    };
    const others = call.participants.map<TileModel>((p) => ({
      participantId: p.id,
      name: p.name,
      isLocal: false,
      videoTrack: p.tracks.video,
      audioOn: p.media.audio,
      videoOn: p.media.video,
      connection: p.connection,
    }));
    return [self, ...others];
  }, [call.self, call.participants, local]);

  const sinks = useMemo(
    () => call.participants.map((p) => ({ id: p.id, tracks: [p.tracks.audio, p.tracks.screenAudio].filter((t): t is MediaStreamTrack => t !== null) })),
    [call.participants],
  );

  return (
    <main className="meeting" data-phase={call.phase}>
      <header className="meeting-header">
        <span className="meeting-code" title="Meeting code">
          {call.room}
        </span>
        <span className="participant-count" title="People in this meeting">
          <Icon name="people" size={16} />
          <span data-testid="participant-count">{call.participants.length + (call.self ? 1 : 0)}</span>
        </span>
      </header>
      {call.phase === 'joining' && <div className="banner">Joining…</div>}
      {call.phase === 'reconnecting' && <div className="banner warn">Connection to the meeting server lost. Reconnecting…</div>}
      {call.phase === 'failed' && (
        <div className="banner error" role="alert">
          Could not join: {call.error}
        </div>
      )}
      <TileGrid tiles={tiles} />
      <AudioSinks sinks={sinks} speakerId={speaker} />
      <ControlBar
        micOn={local.micEnabled}
        cameraOn={local.cameraEnabled}
        onToggleMic={() => session.setMicEnabled(!local.micEnabled)}
        onToggleCamera={() => void session.setCameraEnabled(!local.cameraEnabled)}
        onLeave={onLeave}
      />
    </main>
  );
}
