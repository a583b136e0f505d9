import type { MediaState } from '@roundtable/signaling-server/protocol';
import type { LocalMedia } from './local-media';
import type { ScreenShare } from './screen-share';
import type { SlotTracks } from './slots';

/** What the call uses of this participant's camera and microphone (LocalMedia). */
export type CallMedia = Pick<
  LocalMedia,
  'events' | 'stream' | 'audioTrack' | 'videoTrack' | 'micEnabled' | 'cameraEnabled' | 'setMicEnabled' | 'setCameraEnabled'
>;

/**
 * What this participant sends (microphone, camera, screen), and what the meeting server knows of
 * it: the server tells the others, who show a muted microphone or a camera that is off.
 */
export class LocalSending {
  /** What the server last heard from us: in a join request or a `media` message. */
  private announced: MediaState | null = null;

  constructor(
    private readonly media: CallMedia,
    private readonly screen: Pick<ScreenShare, 'videoTrack' | 'audioTrack'>,
    private readonly tell: (state: MediaState) => void,
  ) {}

  /** What we send now, by slot. */
  tracks(): SlotTracks {
    return { audio: this.media.audioTrack, video: this.media.videoTrack, screen: this.screen.videoTrack, screenAudio: this.screen.audioTrack };
  }

  /** Whether the others get our microphone, camera and screen now. */
  state(): MediaState {
    return {
      audio: this.media.micEnabled && this.media.audioTrack !== null,
      video: this.media.cameraEnabled && this.media.videoTrack !== null,
      screen: this.screen.videoTrack !== null,
    };
  }

  /** What a join request says of our media; the server knows it once the request arrives. */
  forJoin(): MediaState {
    this.announced = this.state();
    return this.announced;
  }

  /**
   * Tells the server what we send now, unless it already knows. A change made while the join request
   * was on its way (a camera that finished opening, a toggle on the pre-join screen) is told this way
   * once we are in: the request carried what we sent before it.
   */
  announce(local = this.state()): void {
    if (this.announced && sameMedia(this.announced, local)) return;
    this.announced = local;
    this.tell(local);
  }
}

export function sameMedia(a: MediaState, b: MediaState): boolean {
  return a.audio === b.audio && a.video === b.video && a.screen === b.screen;
}
