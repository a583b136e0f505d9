import { useEffect, useRef, useState, type ReactElement } from 'react';

interface Sink {
  id: string;
  tracks: MediaStreamTrack[];
  /** Their connection is up: before that, nothing can play. */
  connected: boolean;
}

/**
 * A participant's sound starts this long after their connection first comes up, not with it.
 * Starting the page's first remote audio opens an audio output with a call that blocks the page
 * (25-35 ms in traces of a join), and right then the page is busy bringing up the connection and
 * their first picture. Nothing they say is lost that a listener would notice.
 */
const START_AFTER_CONNECTED_MS = 300;

/** Plays every remote participant's sound, whatever the layout shows, on the chosen speaker. */
export function AudioSinks({ sinks, speakerId }: { sinks: Sink[]; speakerId: string | undefined }): ReactElement {
  return (
    <div hidden>
      {sinks.map((sink) => (
        <RemoteAudio key={sink.id} participantId={sink.id} tracks={sink.tracks} connected={sink.connected} speakerId={speakerId} />
      ))}
    </div>
  );
}

function RemoteAudio({
  participantId,
  tracks,
  connected,
  speakerId,
}: Omit<Sink, 'id'> & { participantId: string; speakerId: string | undefined }): ReactElement {
  const ref = useRef<HTMLAudioElement>(null);
  const key = tracks.map((t) => t.id).join(',');
  // Once started, it follows their tracks at once, through reconnections too.
  const [started, setStarted] = useState(false);
  useEffect(() => {
    if (started || !connected) return;
    const timer = setTimeout(() => setStarted(true), START_AFTER_CONNECTED_MS);
    return () => clearTimeout(timer);
  }, [connected, started]);
  useEffect(() => {
    const audio = ref.current;
    if (!audio || !started) return;
    audio.srcObject = tracks.length ? new MediaStream(tracks) : null;
    void audio.play().catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the track ids are the identity
  }, [key, started]);
  useEffect(() => {
    const audio = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (audio?.setSinkId && speakerId !== undefined) void audio.setSinkId(speakerId).catch(() => undefined);
  }, [speakerId]);
  return <audio ref={ref} autoPlay data-participant-id={participantId} />;
}
