/** Never wait longer than this for a track to play: the move goes on without it. */
const AT_MOST_MS = 3000;
/**
 * A sound takes over once this much of it played with at most STEADY_MADE_UP of it made up: its
 * first packets come while its jitter buffer still fits the old path's delay, and it fills in
 * (conceals) until it grew to fit the new one; the old track plays meanwhile.
 */
const STEADY_MS = 400;
const STEADY_MADE_UP = 0.1;
const POLL_MS = 100;

/** What a received sound's inbound-rtp says of how much of it played, and how much was made up. */
interface SoundCount {
  samples: number;
  concealed: number;
  ms: number;
}

/**
 * Resolves once a received track plays: a camera's first decoded frame (drawn in a detached, muted
 * video element); a microphone's first packet (the track unmutes), and, when its `receiver` can be
 * read, STEADY_MS of it mostly real; or after AT_MOST_MS.
 */
export function firstMedia(track: MediaStreamTrack, receiver?: () => RTCRtpReceiver | null): Promise<void> {
  return new Promise((resolve) => {
    let video: HTMLVideoElement | null = null;
    let poll: ReturnType<typeof setInterval> | undefined;
    const timer = setTimeout(done, AT_MOST_MS);
    function done(): void {
      clearTimeout(timer);
      clearInterval(poll);
      track.removeEventListener('unmute', unmuted);
      if (video) {
        video.pause();
        video.srcObject = null;
      }
      resolve();
    }
    function unmuted(): void {
      if (track.kind !== 'audio') watchFrames();
      else if (receiver) watchSound(receiver);
      else done();
    }
    function watchFrames(): void {
      if (video) return;
      video = document.createElement('video');
      video.muted = true;
      video.srcObject = new MediaStream([track]);
      video.requestVideoFrameCallback(() => done());
      void video.play().catch(() => undefined);
    }
    function watchSound(of: () => RTCRtpReceiver | null): void {
      if (poll) return;
      let since: SoundCount | null = null;
      poll = setInterval(() => {
        void soundCount(of()).then((now) => {
          if (!now) return;
          if (!since || now.ms - since.ms < STEADY_MS) {
            since ??= now;
            return;
          }
          if (now.concealed - since.concealed <= STEADY_MADE_UP * (now.samples - since.samples)) done();
          else since = now;
        });
      }, POLL_MS);
    }
    if (track.muted) track.addEventListener('unmute', unmuted);
    else unmuted();
  });
}

async function soundCount(receiver: RTCRtpReceiver | null): Promise<SoundCount | null> {
  if (!receiver) return null;
  let count: SoundCount | null = null;
  (await receiver.getStats().catch(() => new Map())).forEach(
    (s: { type: string; totalSamplesReceived?: number; concealedSamples?: number; totalSamplesDuration?: number }) => {
      if (s.type === 'inbound-rtp' && s.totalSamplesReceived)
        count = { samples: s.totalSamplesReceived, concealed: s.concealedSamples ?? 0, ms: (s.totalSamplesDuration ?? 0) * 1000 };
    },
  );
  return count;
}

/** The receiver of `track` among `connections`, if one still holds it. */
export function receiverOf(connections: Iterable<RTCPeerConnection>, track: MediaStreamTrack): RTCRtpReceiver | null {
  for (const pc of connections) {
    if (pc.signalingState === 'closed') continue;
    const receiver = pc.getReceivers().find((r) => r.track === track);
    if (receiver) return receiver;
  }
  return null;
}
