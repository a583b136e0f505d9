/** Never wait longer than this for a track's first media: the move goes on without it. */
const AT_MOST_MS = 3000;

/**
 * Resolves once a received track plays: a microphone's first packet (the track unmutes), a
 * camera's first decoded frame (drawn in a detached, muted video element), or after AT_MOST_MS.
 */
export function firstMedia(track: MediaStreamTrack): Promise<void> {
  return new Promise((resolve) => {
    let video: HTMLVideoElement | null = null;
    const timer = setTimeout(done, AT_MOST_MS);
    function done(): void {
      clearTimeout(timer);
      track.removeEventListener('unmute', unmuted);
      if (video) {
        video.pause();
        video.srcObject = null;
      }
      resolve();
    }
    function unmuted(): void {
      if (track.kind === 'audio') done();
      else watchFrames();
    }
    function watchFrames(): void {
      if (video) return;
      video = document.createElement('video');
      video.muted = true;
      video.srcObject = new MediaStream([track]);
      video.requestVideoFrameCallback(() => done());
      void video.play().catch(() => undefined);
    }
    if (track.muted) track.addEventListener('unmute', unmuted);
    else unmuted();
  });
}
