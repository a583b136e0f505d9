import { useEffect, useRef, type ReactElement } from 'react';

interface Sink {
  id: string;
  tracks: MediaStreamTrack[];
}

/** Plays every remote participant's sound, whatever the layout shows, on the chosen speaker. */
export function AudioSinks({ sinks, speakerId }: { sinks: Sink[]; speakerId: string | undefined }): ReactElement {
  return (
    <div hidden>
      {sinks.map((sink) => (
        <RemoteAudio key={sink.id} participantId={sink.id} tracks={sink.tracks} speakerId={speakerId} />
      ))}
    </div>
  );
}

function RemoteAudio({ participantId, tracks, speakerId }: { participantId: string; tracks: MediaStreamTrack[]; speakerId: string | undefined }): ReactElement {
  const ref = useRef<HTMLAudioElement>(null);
  const key = tracks.map((t) => t.id).join(',');
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = tracks.length ? new MediaStream(tracks) : null;
    void audio.play().catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the track ids are the identity
  }, [key]);
  useEffect(() => {
    const audio = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (audio?.setSinkId && speakerId !== undefined) void audio.setSinkId(speakerId).catch(() => undefined);
  }, [speakerId]);
  return <audio ref={ref} autoPlay data-participant-id={participantId} />;
}
