import { useEffect, useLayoutEffect, useRef, useState, type ReactElement } from 'react';

interface Props {
  track: MediaStreamTrack | null;
  mirrored?: boolean;
  /** Called when the first frame shows, or when the video stops showing frames. */
  onShowingChange?: (showing: boolean) => void;
  /**
   * The one <video> playing this track moves from view to view instead of a new one starting: the
   * camera preview of the pre-join screen becomes your own tile in the meeting, still playing.
   */
  keepPlayer?: boolean;
}

/** A muted <video> showing one track (sound is played separately, see AudioSinks). */
export function VideoView(props: Props): ReactElement {
  return props.keepPlayer ? <KeptVideoView {...props} /> : <FreshVideoView {...props} />;
}

function FreshVideoView({ track, mirrored = false, onShowingChange }: Props): ReactElement {
  const ref = useRef<HTMLVideoElement>(null);
  const [showing, setShowing] = useState(false);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    setShowing(false);
    video.srcObject = track ? new MediaStream([track]) : null;
    if (!track) return;
    return watchShowing(video, track, setShowing);
  }, [track]);

  useEffect(() => onShowingChange?.(showing), [showing, onShowingChange]);

  return <video ref={ref} className={mirrored ? 'video mirrored' : 'video'} autoPlay playsInline muted data-showing={showing} />;
}

/**
 * The players of tracks shown with `keepPlayer`. A new player costs the page tens of ms (its set-up,
 * then a burst of media events as it starts), and on joining it would start just as the first call
 * connects. Held only as long as the track itself.
 */
const keptPlayers = new WeakMap<MediaStreamTrack, HTMLVideoElement>();

function keptPlayer(track: MediaStreamTrack): HTMLVideoElement {
  let video = keptPlayers.get(track);
  if (!video) {
    video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = true;
    video.srcObject = new MediaStream([track]);
    keptPlayers.set(track, video);
  }
  return video;
}

function KeptVideoView({ track, mirrored = false, onShowingChange }: Props): ReactElement {
  const slot = useRef<HTMLSpanElement>(null);
  const player = useRef<HTMLVideoElement | null>(null);
  const [showing, setShowing] = useState(false);

  // Before the browser paints: the view that hands the player over and the one taking it change in
  // the same commit, so the player is never seen missing, nor paused for long.
  useLayoutEffect(() => {
    const place = slot.current;
    if (!place || !track) return;
    const video = keptPlayer(track);
    place.appendChild(video);
    player.current = video;
    // Taken out of the page for a moment, a media element pauses.
    if (video.paused) void video.play().catch(() => undefined);
    const stopWatching = watchShowing(video, track, setShowing);
    return () => {
      stopWatching();
      player.current = null;
      setShowing(false);
      if (video.parentNode === place) place.removeChild(video);
      // Not taken over by another view: it stops playing until one shows it again.
      queueMicrotask(() => {
        if (!video.isConnected) video.pause();
      });
    };
  }, [track]);

  useLayoutEffect(() => {
    const video = player.current;
    if (!video) return;
    video.className = mirrored ? 'video mirrored' : 'video';
    video.dataset.showing = String(showing);
  }, [track, mirrored, showing]);

  useEffect(() => onShowingChange?.(showing), [showing, onShowingChange]);

  return <span ref={slot} className="video-slot" />;
}

/** Keeps `setShowing` up to date with whether `video` shows frames of `track`; returns the way to stop. */
function watchShowing(video: HTMLVideoElement, track: MediaStreamTrack, setShowing: (showing: boolean) => void): () => void {
  const shown = (): void => setShowing(video.videoWidth > 0);
  const hide = (): void => setShowing(false);
  // A player taken over from another view is showing frames already: no event will say so.
  if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) shown();
  video.addEventListener('loadeddata', shown);
  video.addEventListener('resize', shown);
  track.addEventListener('ended', hide);
  return () => {
    video.removeEventListener('loadeddata', shown);
    video.removeEventListener('resize', shown);
    track.removeEventListener('ended', hide);
  };
}
