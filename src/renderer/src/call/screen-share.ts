import { Emitter } from './emitter';
import type { PeerLink } from './peer-link';
import { Store } from './store';

export interface ScreenShareState {
  active: boolean;
  /** The share carries the computer's sound too. */
  withAudio: boolean;
}

/** Screen content is text and detail: keep its resolution, spend on sharpness, not motion. */
const SCREEN_ENCODING = { maxFramerate: 15, maxBitrate: 2_500_000, scaleResolutionDownBy: 1 } as const;

/**
 * This participant's screen share: its own video (and optional audio) track on the connections'
 * screen slots, next to the camera and microphone, which it never touches.
 */
export class ScreenShare {
  readonly state = new Store<ScreenShareState>({ active: false, withAudio: false });
  readonly events = new Emitter<{ tracks: [] }>();
  private video: MediaStreamTrack | null = null;
  private audio: MediaStreamTrack | null = null;

  get videoTrack(): MediaStreamTrack | null {
    return this.video;
  }
  get audioTrack(): MediaStreamTrack | null {
    return this.audio;
  }

  /** Starts sharing what getDisplayMedia returned; ends by itself when the user stops it in the browser. */
  start(stream: MediaStream): void {
    this.stop(false);
    const video = stream.getVideoTracks()[0] ?? null;
    if (!video) throw new Error('the screen capture has no video');
    video.contentHint = 'detail';
    video.addEventListener('ended', () => {
      if (this.video === video) this.stop();
    });
    this.video = video;
    this.audio = stream.getAudioTracks()[0] ?? null;
    this.state.set({ active: true, withAudio: this.audio !== null });
    this.events.emit('tracks');
  }

  stop(announce = true): void {
    this.video?.stop();
    this.audio?.stop();
    const was = this.video !== null;
    this.video = null;
    this.audio = null;
    this.state.set({ active: false, withAudio: false });
    if (announce && was) this.events.emit('tracks');
  }

  /** Sharpness over smoothness on the screen sender (setParameters: no renegotiation). */
  async tune(link: PeerLink): Promise<void> {
    const sender = link.sender('screen');
    if (!sender || !this.video) return;
    const parameters = sender.getParameters();
    const encoding = parameters.encodings?.[0];
    if (!encoding) return;
    Object.assign(encoding, SCREEN_ENCODING);
    (parameters as RTCRtpSendParameters & { degradationPreference?: string }).degradationPreference = 'maintain-resolution';
    try {
      await sender.setParameters(parameters);
    } catch (error) {
      console.warn(`could not tune the screen share for ${link.remoteId}`, error);
    }
  }
}
