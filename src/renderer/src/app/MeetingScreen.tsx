import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaptureChoice } from '@shared/ipc/screen';
import type { CallSession } from '../call/call-session';
import type { LocalMedia } from '../call/local-media';
import { AudioSinks } from '../components/AudioSinks';
import { ChatPanel } from '../components/ChatPanel';
import { ControlBar } from '../components/ControlBar';
import { DeviceSettings } from '../components/DeviceSettings';
import { HelpOverlay } from '../components/HelpOverlay';
import { Notices } from '../components/Notices';
import { Icon } from '../components/Icons';
import { MeetingTools } from '../components/MeetingTools';
import { MeetingRecordDialog } from '../components/MeetingRecordDialog';
import { MeetingStatsReporter } from '../records/stats-reporter';
import { ParticipantsPanel, type ParticipantRow } from '../components/ParticipantsPanel';
import { ScreenPicker } from '../components/ScreenPicker';
import { SharePreview } from '../components/SharePreview';
import { SharingBar } from '../components/SharingBar';
import { Stage } from '../components/Stage';
import { WaitingQueue } from '../components/WaitingQueue';
import { WaitingScreen } from '../components/WaitingScreen';
import { useArrivalChime } from '../hooks/useArrivalChime';
import { askToNotifyOfChat, useChatNotifications } from '../hooks/useChatNotifications';
import { useShortcuts } from '../hooks/useShortcuts';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useMeetingNotices } from '../hooks/useMeetingNotices';
import { useStore } from '../hooks/useStore';
import type { Arrangement, LayoutMode } from '../layout/arrange';
import { getPlatform } from '../platform/platform';
import { screenCapture } from '../platform/screen';
import { failureText } from '../text/failures';
import { MeetingInfo } from '../components/MeetingInfo';
import { getLobby } from '../platform/lobby';
import { copyText, inviteLinkFor } from './invite-link';
import { meetingTiles, screenTileId } from './meeting-tiles';
import { meetingTitle } from './meeting-title';
import { errorMessage } from '@shared/errors';

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

export function MeetingScreen(props: Props): ReactElement {
  // The title follows the language too.
  useTranslation();
  const call = useStore(props.session.state);
  const sharing = useStore(props.session.screen.state);
  useDocumentTitle(meetingTitle({ room: call.room, recording: call.recording || call.participants.some((p) => p.recording), sharing: sharing.active }));
  if (call.phase === 'waiting' || (call.phase === 'reconnecting' && call.self === null)) {
    const session = props.session;
    return <WaitingScreen room={call.room} onLeave={props.onLeave} onStart={session.startsMeeting ? undefined : () => void session.startMeeting()} />;
  }
  return <Meeting {...props} />;
}

function Meeting({ session, media, speaker: speakerDevice, audioFirstAbove, initialLayout, onLeave }: Props): ReactElement {
  const call = useStore(session.state);
  const local = useStore(media.state);
  const chat = useStore(session.chat.state);
  const sharing = useStore(session.screen.state);
  const activeSpeaker = useStore(session.speaker.speaker);
  const quality = useStore(session.quality.quality);
  const [layout, setLayout] = useState<LayoutMode>(initialLayout);
  const [pinned, setPinned] = useState<string | null>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [help, setHelp] = useState(false);
  const [picking, setPicking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [recordOpen, setRecordOpen] = useState(false);
  const loadRecord = useCallback(async () => (await session.signaling.request('meeting-record', {})).record, [session]);
  // Our speaking time and call quality, for the host's meeting record.
  useEffect(() => {
    const reporter = new MeetingStatsReporter({
      send: (stats) => session.signaling.request('meeting-stats', stats),
      microphoneLevel: async () => (media.micEnabled ? session.ownAudioLevel() : null),
      quality: () => session.quality.quality.get(),
    });
    reporter.start();
    return () => reporter.stop();
  }, [session, media]);
  const talkingWhileMuted = useRef(false);
  const [pushToTalk, setPushToTalk] = useState(false);
  const capture = useMemo(() => screenCapture(getPlatform()), []);
  const { t } = useTranslation();

  const selfId = call.self?.id ?? 'self';
  const everyone = call.participants.length + (call.self ? 1 : 0);
  const isHost = call.settings.hostId !== null && call.settings.hostId === call.self?.id;
  const audioFirst = call.participants.length + 1 > audioFirstAbove;
  const shareIds = call.participants.filter((p) => p.media.screen && p.tracks.screen).map((p) => screenTileId(p.id));
  const present = (id: string | null): boolean => id !== null && (id === selfId || shareIds.includes(id) || call.participants.some((p) => p.id === id));
  const pinnedPresent = present(pinned) ? pinned : null;
  // A shared screen takes the stage (unless someone pinned something else).
  const mode: LayoutMode = pinnedPresent || shareIds.length > 0 ? 'speaker' : layout;
  const focus = pinnedPresent ?? shareIds[0] ?? activeSpeaker;

  const togglePin = useCallback((id: string) => setPinned((current) => (current === id ? null : id)), []);
  const tiles = useMemo(
    () =>
      meetingTiles({
        call,
        local,
        selfId,
        activeSpeaker,
        pinned: pinnedPresent,
        audioFirst,
        focus,
        quality,
        onTogglePin: togglePin,
        screenName: (name) => t('meeting.screenOf', { name }),
      }),
    [call, local, selfId, activeSpeaker, pinnedPresent, audioFirst, focus, quality, togglePin, t],
  );

  // Tell every sender how big we show their camera, so they spend no more than that on us.
  const onArranged = useCallback(
    (arrangement: Arrangement) => {
      const scale = window.devicePixelRatio || 1;
      for (const tile of tiles) {
        if (tile.isLocal || tile.kind === 'screen') continue;
        const rect = arrangement.rects[tile.participantId];
        const shown = rect && tile.videoOn && tile.videoAllowed !== false;
        session.setViewSize(tile.participantId, shown ? { width: rect.width * scale, height: rect.height * scale } : { width: 0, height: 0 });
      }
    },
    [tiles, session],
  );

  const sinks = useMemo(
    () =>
      call.participants.map((p) => ({
        id: p.id,
        tracks: [p.tracks.audio, p.tracks.screenAudio].filter((t): t is MediaStreamTrack => t !== null),
        connected: p.connection === 'connected',
      })),
    [call.participants],
  );

  const openPanel = (next: Panel): void => {
    const value = panel === next ? null : next;
    setPanel(value);
    session.chat.setReading(value === 'chat');
    if (value === 'chat') askToNotifyOfChat();
  };

  const report = (action: Promise<unknown>): void => {
    setProblem(null);
    action.catch((error: unknown) => setProblem(failureText(error)));
  };

  const share = async (choice?: CaptureChoice): Promise<void> => {
    setPicking(false);
    try {
      session.startScreenShare(await capture.capture(choice));
    } catch (error) {
      // Cancelling the browser's own picker is not a problem worth showing.
      if (!(error instanceof DOMException && error.name === 'NotAllowedError')) setProblem(errorMessage(error));
    }
  };
  const toggleScreen = (): void => {
    if (sharing.active) session.stopScreenShare();
    else if (capture.picker) setPicking(true);
    else void share();
  };

  useChatNotifications(chat.messages, call.self?.id ?? null);
  const notices = useMeetingNotices(call, (key) => session.dismissNotice(key));
  useArrivalChime(isHost ? call.waiting.length : 0);
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
      setPicking(false);
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
      host: isHost,
    },
    ...call.participants.map((p) => ({ id: p.id, name: p.name, isLocal: false, audioOn: p.media.audio, videoOn: p.media.video, hand: p.hand, host: p.host })),
  ];

  return (
    <main className={`meeting${panel ? ' with-panel' : ''}`} data-phase={call.phase} data-audio-first={audioFirst ? 'true' : undefined}>
      <header className="meeting-header">
        <MeetingInvite room={call.room} server={session.signaling.url} />
        {call.settings.locked && (
          <span className="lock-indicator" data-testid="locked-indicator" title={t('meeting.lockedTitle')}>
            {t('meeting.locked')}
          </span>
        )}
        {(call.recording || call.participants.some((p) => p.recording)) && (
          <span className="recording-indicator" data-testid="recording-indicator" title={t('meeting.recordingTitle')}>
            <span className="recording-dot" aria-hidden="true" /> {t('meeting.recording')}
          </span>
        )}
        {call.route === 'sfu' && (
          <span className="route-indicator" data-testid="route-indicator" title={t('meeting.routeTitle')}>
            {t('meeting.route')}
          </span>
        )}
        {pushToTalk && (
          <span className="ptt" data-testid="push-to-talk">
            {t('meeting.pushToTalk')}
          </span>
        )}
        <span className="participant-count" data-testid="participant-count-label" title={t('meeting.participants', { count: everyone })}>
          <Icon name="people" size={16} />
          <span data-testid="participant-count">{everyone}</span>
        </span>
        {/* Last, at the right end: badges that come and go (Locked, Recording) never move it. */}
        <DeviceSettings placement="below" />
      </header>
      {call.phase === 'joining' && <div className="banner">{t('meeting.joining')}</div>}
      {call.phase === 'reconnecting' && <div className="banner warn">{t('meeting.reconnecting')}</div>}
      {call.phase === 'failed' && (
        <div className="banner error" role="alert">
          {t('meeting.couldNotJoin', { error: call.error ?? '' })}
        </div>
      )}
      {problem && (
        <div className="banner error" role="alert" data-testid="meeting-problem" onClick={() => setProblem(null)}>
          {problem}
        </div>
      )}
      {sharing.active && <SharingBar withAudio={sharing.withAudio} onStop={() => session.stopScreenShare()} />}
      <div className="meeting-body">
        <Stage tiles={tiles} mode={mode} focus={focus} onArranged={onArranged} />
        {sharing.active && <SharePreview track={session.screen.videoTrack} onStop={() => session.stopScreenShare()} />}
        {panel === 'chat' && (
          <ChatPanel
            messages={chat.messages}
            selfId={call.self?.id ?? null}
            hasOlder={chat.hasOlder}
            loadingOlder={chat.loadingOlder}
            onSend={(text) => session.chat.send(text)}
            onLoadOlder={() => void session.chat.loadOlder()}
            onClose={() => openPanel('chat')}
            files={session.chat.files}
            fileLimits={call.settings.files}
            isHost={isHost}
          />
        )}
        {panel === 'people' && (
          <ParticipantsPanel
            people={people}
            isHost={isHost}
            settings={call.settings}
            waiting={isHost ? call.waiting : []}
            banned={isHost ? call.banned : []}
            host={{
              askToUnmute: (id) => report(session.host.askToUnmute(id)),
              mute: (id) => report(session.host.mute(id)),
              stopVideo: (id) => report(session.host.stopVideo(id)),
              makeHost: (id) => report(session.host.makeHost(id)),
              remove: (id) => report(session.host.remove(id)),
              admit: (id) => report(session.host.admit(id)),
              deny: (id) => report(session.host.deny(id)),
              admitAll: () => report(session.host.admitAll()),
              unban: (id) => report(session.host.unban(id)),
              changeSettings: async (change) => void (await session.host.update(change)),
            }}
            onClose={() => openPanel('people')}
            onOpenRecord={() => setRecordOpen(true)}
          />
        )}
        {recordOpen && <MeetingRecordDialog load={loadRecord} onClose={() => setRecordOpen(false)} />}
      </div>
      {isHost && panel !== 'people' && (
        <WaitingQueue
          waiting={call.waiting}
          onAdmit={(id) => report(session.host.admit(id))}
          onDeny={(id) => report(session.host.deny(id))}
          onAdmitAll={() => report(session.host.admitAll())}
        />
      )}
      <Notices toasts={notices.toasts} onUnmute={() => session.setMicEnabled(true)} onDismiss={notices.dismiss} onHold={notices.hold} />
      <AudioSinks sinks={sinks} speakerId={speakerDevice} />
      <ControlBar
        micOn={local.micEnabled}
        cameraOn={local.cameraEnabled}
        sharing={sharing.active}
        handRaised={call.hand !== null}
        layout={mode}
        chatOpen={panel === 'chat'}
        unread={chat.unread}
        peopleOpen={panel === 'people'}
        waiting={isHost ? call.waiting.length : 0}
        isHost={isHost}
        extra={<MeetingTools session={session} media={media} />}
        onToggleMic={() => session.setMicEnabled(!local.micEnabled)}
        onToggleCamera={() => void session.setCameraEnabled(!local.cameraEnabled)}
        onToggleScreen={toggleScreen}
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
        onEndForAll={() => report(session.host.endForAll())}
      />
      {picking && capture.picker && <ScreenPicker load={capture.picker.sources} onShare={(choice) => void share(choice)} onCancel={() => setPicking(false)} />}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </main>
  );
}

/** The meeting's code and invite link in the header; a meeting this desktop app hosts is invited to with its hosting invite. */
function MeetingInvite({ room, server }: { room: string; server: string }): ReactElement {
  const lobby = getLobby();
  const { hosting } = useStore(lobby.state);
  const link = inviteLinkFor(server, room, hosting);
  const ours = hosting.state === 'hosting' && link !== '' && hosting.self.server === server;
  const copy = async (): Promise<void> => {
    if (ours && (await lobby.copyInvite()) !== null) return;
    await copyText(link);
  };
  return <MeetingInfo room={room} link={link} onCopy={copy} />;
}
