import { useMemo, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { HomeScreen } from '../components/HomeScreen';
import { PreJoin } from '../components/PreJoin';
import { useStore } from '../hooks/useStore';
import type { AppController } from './app-controller';
import { getLobby } from '../platform/lobby';
import { MeetingScreen } from './MeetingScreen';
import { endedText } from '../text/ended';
import { failureText } from '../text/failures';
import { pastMeetingsOn } from '../records/past-meetings-source';

export function App({ controller, canChooseServer }: { controller: AppController; canChooseServer: boolean }): ReactElement {
  const app = useStore(controller.state);
  const local = useStore(controller.media.state);
  // The desktop app checks a server's certificate before connecting (and pins it); a browser guest cannot.
  const lobby = getLobby();
  const desktop = useStore(lobby.state);
  const { t } = useTranslation();
  const server = app.choice.server;
  const pastMeetings = useMemo(() => pastMeetingsOn(server, localStorage), [server]);

  switch (app.stage) {
    case 'home':
      return (
        <HomeScreen
          initial={app.choice}
          canChooseServer={canChooseServer}
          pastMeetings={pastMeetings}
          onContinue={(choice) => void (desktop.available ? lobby.joinServer(choice) : controller.prepare(choice))}
        />
      );
    case 'prejoin':
      return (
        <PreJoin
          name={app.choice.name}
          room={app.choice.room}
          media={local}
          speaker={app.speaker}
          joining={app.joining}
          error={app.joinError === null ? null : failureText(app.joinError)}
          needsPasscode={app.needsPasscode}
          onCamera={(id) => void controller.chooseCamera(id)}
          onMicrophone={(id) => void controller.chooseMicrophone(id)}
          onSpeaker={(id) => controller.chooseSpeaker(id)}
          onToggleMic={() => controller.media.setMicEnabled(!local.micEnabled)}
          onToggleCamera={() => void controller.media.setCameraEnabled(!local.cameraEnabled)}
          onJoin={(passcode) => void controller.join(passcode)}
          onBack={() => controller.goHome()}
        />
      );
    case 'meeting':
      if (!app.session) return <main className="home" />;
      return (
        <MeetingScreen
          session={app.session}
          media={controller.media}
          speaker={app.speaker}
          audioFirstAbove={app.audioFirstAbove}
          initialLayout={app.initialLayout}
          onLeave={() => void controller.leave()}
        />
      );
    case 'left': {
      const startAgain = controller.canStartAgain();
      return (
        <main className="home">
          <section className="card home-card" data-testid="left-screen">
            <h1>{app.ended ? t('left.sentAway') : t('left.left')}</h1>
            <p className="muted" data-testid="ended-reason">
              {(app.ended && endedText(app.ended)) ?? app.choice.room}
            </p>
            {desktop.error && (
              <p className="form-error" role="alert" data-testid="rejoin-error">
                {desktop.error}
              </p>
            )}
            <div className="row end">
              <button type="button" className="secondary" onClick={() => controller.goHome()}>
                {t('left.home')}
              </button>
              <button
                type="button"
                className="primary"
                data-testid="rejoin-button"
                disabled={desktop.busy}
                onClick={() => void (desktop.available ? lobby.rejoin(startAgain) : controller.rejoin(startAgain))}
              >
                {startAgain ? t('left.startAgain') : t('left.rejoin')}
              </button>
            </div>
          </section>
        </main>
      );
    }
  }
}
