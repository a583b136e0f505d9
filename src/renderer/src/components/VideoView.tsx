import { useEffect, useRef, useState, type ReactElement } from 'react';

interface Props {
  track: MediaStreamTrack | null;
  mirrored?: boolean;
  /** Called when the first frame shows, or when the video stops showing frames. */
  onShowingChange?: (showing: boolean) => void;
}

/** A muted <video> showing one track (sound is played separately, see AudioSinks). */
export function VideoView({ track, mirrored = false, onShowingChange }: Props): ReactElement {
  const ref = useRef<HTMLVideoElement>(null);
  const [showing, setShowing] = useState(false);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    setShowing(false);
    video.srcObject = track ? new MediaStream([track]) : null;
    if (!track) return;
    const shown = (): void => setShowing(video.videoWidth > 0);
    video.addEventListener('loadeddata', shown);
    video.addEventListener('resize', shown);
    const hide = (): void => setShowing(false);
    track.addEventListener('ended', hide);
    return () => {
      video.removeEventListener('loadeddata', shown);
      video.removeEventListener('resize', shown);
      track.removeEventListener('ended', hide);
    };
  }, [track]);

  useEffect(() => onShowingChange?.(showing), [showing, onShowingChange]);

  return <video ref={ref} className={mirrored ? 'video mirrored' : 'video'} autoPlay playsInline muted data-showing={showing} />;
}
