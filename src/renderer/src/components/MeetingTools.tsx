import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { AddSourceRequest } from '@shared/ipc/capture';
import type { CallSession } from '../call/call-session';
import type { LocalMedia } from '../call/local-media';
import { MeetingRecording, type RecordingSink } from '../call/recorder';
import { useStore } from '../hooks/useStore';
import { getCapture, type DesktopCapture } from '../platform/capture';
import { getDeviceChoices, type DeviceChoices } from '../platform/devices';
import { getRecordingSink } from '../platform/recording';
import { AddSource, SourceStoppedNotice, type SourceUse } from './AddSource';
import { RecordButton } from './RecordButton';

interface Props {
  session: CallSession;
  media: LocalMedia;
  /** FFmpeg capture (the desktop app); null for browser guests, who get no "Add a source…". */
  capture?: DesktopCapture | null;
  devices?: DeviceChoices;
  /** Where recordings go: the Videos folder (desktop) or a download (browser guests). */
  recordingSink?: RecordingSink;
}

/**
 * Extra buttons for the meeting's control bar that come with the capture and recording features:
 * Record (everyone; the desktop saves an MP4 to the Videos folder, a browser guest downloads a
 * WebM), "Add a source…" (desktop app), and the notice of an FFmpeg source that stopped, with Restart.
 */
export function MeetingTools({ session, media, capture = getCapture(), devices = getDeviceChoices(), recordingSink }: Props): ReactElement | null {
  const local = useStore(media.state);
  const recording = useMemo(() => new MeetingRecording(session, media, recordingSink ?? getRecordingSink()), [session, media, recordingSink]);
  // Leaving the meeting stops a recording in progress; it is still saved.
  useEffect(() => () => recording.dispose(), [recording]);
  const recorder = useStore(recording.state);
  const [restarting, setRestarting] = useState(false);
  const { t } = useTranslation();
  const stoppedKind = local.stopped.video !== null ? 'video' : local.stopped.audio !== null ? 'audio' : null;

  const addSource = async (request: AddSourceRequest, use: SourceUse): Promise<void> => {
    if (!capture) return;
    const added = await capture.addSource(request);
    // Listed with the devices by now: choosing it switches to it like any other device.
    if (use.camera && added.media.video) await devices.select('camera', `camera:source:${added.id}`);
    if (use.microphone && added.media.audio) await devices.select('microphone', `microphone:source:${added.id}`);
    if ((use.camera && !added.media.video) || (use.microphone && !added.media.audio)) {
      throw new Error(added.media.video ? t('addSource.noSound') : t('addSource.noPicture'));
    }
  };

  const restart = (): void => {
    if (!stoppedKind) return;
    setRestarting(true);
    void media.restartSource(stoppedKind).finally(() => setRestarting(false));
  };

  return (
    <>
      <RecordButton
        state={recorder}
        destination={recording.kind}
        onStart={() => void recording.start()}
        onStop={() => void recording.stop()}
        onReveal={() => recording.reveal()}
        onDismiss={() => recording.dismiss()}
      />
      {capture && <AddSource onAdd={addSource} onBrowse={() => capture.chooseFile()} />}
      {stoppedKind && (
        <SourceStoppedNotice
          device={stoppedKind === 'video' ? 'camera' : 'microphone'}
          reason={local.stopped[stoppedKind]!}
          restarting={restarting}
          onRestart={restart}
        />
      )}
    </>
  );
}
