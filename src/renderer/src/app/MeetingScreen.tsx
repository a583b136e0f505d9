import { useCallback, useMemo, useRef, useState, type ReactElement } from 'react';
import type { CallSession } from '../call/call-session';
import type { LocalMedia } from '../call/local-media';
import { AudioSinks } from '../components/AudioSinks';
import { ChatPanel } from '../components/ChatPanel';
import { ControlBar } from '../components/ControlBar';
import { DeviceSettings } from '../components/DeviceSettings';
import { HelpOverlay } from '../components/HelpOverlay';
import { MeetingTools } from '../components/MeetingTools';
import { Icon } from '../components/Icons';
import { ParticipantsPanel, type ParticipantRow } from '../components/ParticipantsPanel';
import { Stage, type TileModel } from '../components/Stage';
import { useChatNotifications } from '../hooks/useChatNotifications';
import { useShortcuts } from '../hooks/useShortcuts';
import { useStore } from '../hooks/useStore';
import type { Arrangement, LayoutMode } from '../layout/arrange';

interface Props {
  session: CallSession;
  media: LocalMedia;
  speaker: string | undefined;
  /** Past this many people the meeting is audio-first: video only for the speaker and pinned tiles. */
  audioFirstAbove: number;
  initialLayout: LayoutMode;
  onLeave: () => void;
}

type Panel = 'chat' | 'people' | null;

export function MeetingScreen({ session, media, speaker: speakerDevice, audioFirstAbove, initialLayout, onLeave }: Props): ReactElement {
  const call = useStore(session.state);
  const local = useStore(media.state);
  const chat = useStore(session.chat.state);
  const activeSpeaker = useStore(session.speaker.speaker);
  const quality = useStore(session.quality.quality);
  const [layout, setLayout] = useState<LayoutMode>(initialLayout);
  const [pinned, setPinned] = useState<string | null>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [help, setHelp] = useState(false);
  const talkingWhileMuted = useRef(false);
  const [pushToTalk, setPushToTalk] = useState(false);

  const selfId = call.self?.id ?? 'self';
  const total = call.participants.length + 1;
  const audioFirst = total > audioFirstAbove;
  const pinnedPresent = pinned !== null && (pinned === selfId || call.participants.some((p) => p.id === pinned)) ? pinned : null;
  const mode: LayoutMode = pinnedPresent ? 'speaker' : layout;
  const focus = pinnedPresent ?? activeSpeaker;

  const handOrder = useMemo(() => {
    const raised = [...call.participants.map((p) => ({ id: p.id, hand: p.hand })), { id: selfId, hand: call.hand }]
      .filter((p) => p.hand !== null)
      .sort((a, b) => a.hand! - b.hand!);
    return new Map(raised.map((p, i) => [p.id, i + 1]));
  }, [call.participants, call.hand, selfId]);

  const reactionsBy = useMemo(() => {
    const map = new Map<string, Array<{ key: string; emoji: string }>>();
    for (const r of call.reactions) map.set(r.from, [...(map.get(r.from) ?? []), { key: r.key, emoji: r.emoji }]);
    return map;
  }, [call.reactions]);

  const togglePin = useCallback((id: string) => setPinned((current) => (current === id ? null : id)), []);

  const tiles = useMemo<TileModel[]>(() => {
    const self: TileModel = {
      participantId: selfId,
      name: call.self?.name ?? '',
      isLocal: true,
      videoTrack: local.videoTrack,
      audioOn: local.micEnabled && local.audioTrack !== null,
      videoOn: local.cameraEnabled,
      hand: call.hand,
      handOrder: handOrder.get(selfId),
      pinned: pinnedPresent === selfId,
      onTogglePin: () => togglePin(selfId),
      reactions: reactionsBy.get(selfId),
    };
    const others = call.participants.map<TileModel>((p) => ({
      participantId: p.id,
      name: p.name,
      isLocal: false,
      videoTrack: p.tracks.video,
      audioOn: p.media.audio,
      videoOn: p.media.video,
      videoAllowed: !audioFirst || p.id === focus || p.id === pinnedPresent,
      connection: p.connection,
      away: p.away,
      hand: p.hand,
      handOrder: handOrder.get(p.id),
      speaking: p.id === activeSpeaker,
      pinned: pinnedPresent === p.id,
      onTogglePin: () => togglePin(p.id),
      reactions: reactionsBy.get(p.id),
      quality: quality[p.id],
    }));
    return [self, ...others];
  }, [selfId, call.self, call.participants, call.hand, local, handOrder, pinnedPresent, togglePin, reactionsBy, audioFirst, focus, activeSpeaker, quality]);

  // Tell every sender how big we show them, so they spend no more than that on us.
  const onArranged = useCallback(
    (arrangement: Arrangement) => {
      const scale = window.devicePixelRatio || 1;
      for (const tile of tiles) {
        if (tile.isLocal) continue;
        const rect = arrangement.rects[tile.participantId];
        const shown = rect && tile.videoOn && tile.videoAllowed !== false;
        session.setViewSize(tile.participantId, shown ? { width: rect.width * scale, height: rect.height * scale } : { width: 0, height: 0 });
      }
    },
    [tiles, session],
  );

  const sinks = useMemo(
    () => call.participants.map((p) => ({ id: p.id, tracks: [p.tracks.audio, p.tracks.screenAudio].filter((t): t is MediaStreamTrack => t !== null) })),
    [call.participants],
  );

  const openPanel = (next: Panel): void => {
    const value = panel === next ? null : next;
    setPanel(value);
    session.chat.setReading(value === 'chat');
  };

  useChatNotifications(chat.messages, call.self?.id ?? null);
  useShortcuts({
    toggleMic: () => session.setMicEnabled(!local.micEnabled),
    toggleCamera: () => void session.setCameraEnabled(!local.cameraEnabled),
    pushToTalk: (talking) => {
      if (talking && !local.micEnabled) {
        talkingWhileMuted.current = true;
        setPushToTalk(true);
        session.setMicEnabled(true);
      } else if (!talking && talkingWhileMuted.current) {
        talkingWhileMuted.current = false;
        setPushToTalk(false);
        session.setMicEnabled(false);
      }
    },
    toggleHand: () => session.raiseHand(call.hand === null),
    toggleChat: () => openPanel('chat'),
    toggleLayout: () => setLayout((l) => (l === 'grid' ? 'speaker' : 'grid')),
    help: () => setHelp(true),
    escape: () => {
      setHelp(false);
      if (panel) openPanel(panel);
    },
  });

  const people: ParticipantRow[] = [
    {
      id: selfId,
      name: call.self?.name ?? '',
      isLocal: true,
      audioOn: local.micEnabled && local.audioTrack !== null,
      videoOn: local.cameraEnabled,
      hand: call.hand,
    },
    ...call.participants.map((p) => ({ id: p.id, name: p.name, isLocal: false, audioOn: p.media.audio, videoOn: p.media.video, hand: p.hand })),
  ];

  return (
    <main className={`meeting${panel ? ' with-panel' : ''}`} data-phase={call.phase} data-audio-first={audioFirst ? 'true' : undefined}>
      <header className="meeting-header">
        <span className="meeting-code" title="Meeting code">
          {call.room}
        </span>
        {(call.recording || call.participants.some((p) => p.recording)) && (
          <span className="recording-indicator" data-testid="recording-indicator" title="This meeting is being recorded">
            <span className="recording-dot" aria-hidden="true" /> Recording
          </span>
        )}
        {pushToTalk && (
          <span className="ptt" data-testid="push-to-talk">
            Talking while muted (Space)
          </span>
        )}
        <DeviceSettings placement="below" />
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
      <div className="meeting-body">
        <Stage tiles={tiles} mode={mode} focus={focus} onArranged={onArranged} />
        {panel === 'chat' && (
          <ChatPanel
            messages={chat.messages}
            selfId={call.self?.id ?? null}
            hasOlder={chat.hasOlder}
            loadingOlder={chat.loadingOlder}
            onSend={(text) => session.chat.send(text)}
            onLoadOlder={() => void session.chat.loadOlder()}
            onClose={() => openPanel('chat')}
          />
        )}
        {panel === 'people' && <ParticipantsPanel people={people} onClose={() => openPanel('people')} />}
      </div>
      <AudioSinks sinks={sinks} speakerId={speakerDevice} />
      <ControlBar
        micOn={local.micEnabled}
        cameraOn={local.cameraEnabled}
        handRaised={call.hand !== null}
        layout={mode}
        chatOpen={panel === 'chat'}
        unread={chat.unread}
        peopleOpen={panel === 'people'}
        extra={<MeetingTools session={session} media={media} />}
        onToggleMic={() => session.setMicEnabled(!local.micEnabled)}
        onToggleCamera={() => void session.setCameraEnabled(!local.cameraEnabled)}
        onToggleHand={() => session.raiseHand(call.hand === null)}
        onReact={(emoji) => session.react(emoji)}
        onToggleLayout={() => {
          setPinned(null);
          setLayout(mode === 'grid' ? 'speaker' : 'grid');
        }}
        onToggleChat={() => openPanel('chat')}
        onTogglePeople={() => openPanel('people')}
        onHelp={() => setHelp(true)}
        onLeave={onLeave}
      />
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </main>
  );
}
