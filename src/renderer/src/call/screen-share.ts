import { Emitter } from './emitter';
import { Store, type ReadonlyStore } from './store';

export interface ScreenShareState {
  active: boolean;
  /** The share carries the computer's sound too. */
  withAudio: boolean;
}

/**
 * This participant's screen share: its own video (and optional audio) track on the connections'
 * screen slots, next to the camera and microphone, which it never touches (the transport tunes
 * its encoding for detail).
 */
export class ScreenShare {
  private readonly writable = new Store<ScreenShareState>({ active: false, withAudio: false });
  /** Read-only for everyone else: only this class changes it. */
  readonly state: ReadonlyStore<ScreenShareState> = this.writable;
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
    this.writable.set({ active: true, withAudio: this.audio !== null });
    this.events.emit('tracks');
  }

  stop(announce = true): void {
    this.video?.stop();
    this.audio?.stop();
    const was = this.video !== null;
    this.video = null;
    this.audio = null;
    this.writable.set({ active: false, withAudio: false });
    if (announce && was) this.events.emit('tracks');
  }
}
