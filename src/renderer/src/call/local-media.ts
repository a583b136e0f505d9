import { Emitter } from './emitter';
import { Store } from './store';

export interface DeviceChoice {
  audioInput?: string;
  videoInput?: string;
}

export interface LocalMediaState {
  audioTrack: MediaStreamTrack | null;
  videoTrack: MediaStreamTrack | null;
  micEnabled: boolean;
  cameraEnabled: boolean;
  devices: DeviceChoice;
  error: string | null;
}

export interface LocalMediaEvents {
  /** A track was started, stopped or swapped; the call puts the new one on every connection. */
  tracks: [];
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/**
 * The camera and microphone of this participant. Muting the mic keeps the device open
 * (instant unmute, and the level meter keeps working for "you are muted" hints);
 * turning the camera off releases it so its light goes off.
 */
export class LocalMedia {
  readonly events = new Emitter<LocalMediaEvents>();
  /** One stream that always holds the current tracks, for previews and `setStreams`. */
  readonly stream = new MediaStream();
  private audio: MediaStreamTrack | null = null;
  private video: MediaStreamTrack | null = null;
  private micOn = true;
  private cameraOn = true;
  private choice: DeviceChoice = {};
  private problem: string | null = null;
  /** Counts device switches per kind, so that only the latest one lands. */
  private readonly turns = { audio: 0, video: 0 };
  /** A snapshot of everything above, for the UI. */
  readonly state = new Store<LocalMediaState>(this.snapshot());

  get error(): string | null {
    return this.problem;
  }

  get audioTrack(): MediaStreamTrack | null {
    return this.audio;
  }
  get videoTrack(): MediaStreamTrack | null {
    return this.video;
  }
  get micEnabled(): boolean {
    return this.micOn;
  }
  get cameraEnabled(): boolean {
    return this.cameraOn && this.video !== null;
  }
  get devices(): DeviceChoice {
    return { ...this.choice };
  }

  /** Opens the chosen devices; whatever cannot be opened is left off and explained in `error`. */
  async start(choice: DeviceChoice = this.choice): Promise<void> {
    this.choice = { ...choice };
    const turn = { audio: (this.turns.audio += 1), video: (this.turns.video += 1) };
    const problems: string[] = [];
    const [audio, video] = await Promise.all([
      this.open('audio', choice.audioInput).catch((error: unknown) => (problems.push(describe('microphone', error)), null)),
      this.cameraOn ? this.open('video', choice.videoInput).catch((error: unknown) => (problems.push(describe('camera', error)), null)) : null,
    ]);
    // A device switch made meanwhile wins over what this start opened.
    if (turn.audio === this.turns.audio) this.setTrack('audio', audio);
    else audio?.stop();
    if (turn.video === this.turns.video) this.setTrack('video', video);
    else video?.stop();
    this.problem = problems.length ? problems.join(' ') : null;
    this.changed();
  }

  /**
   * Switches microphone, mid-call too: the new device is opened first, then swapped in (the call
   * puts it on every connection with replaceTrack). If it cannot be opened the old one stays and
   * `error` says why.
   */
  async useMicrophone(deviceId: string): Promise<void> {
    this.choice.audioInput = deviceId;
    await this.swap('audio', deviceId);
  }

  /** Switches camera the same way; with the camera off it is only remembered for when it comes on. */
  async useCamera(deviceId: string): Promise<void> {
    this.choice.videoInput = deviceId;
    if (!this.cameraOn) return this.changed();
    await this.swap('video', deviceId);
  }

  /** The deviceId of the device a track is open on (what Chromium reports), if any. */
  deviceInUse(kind: 'audio' | 'video'): string | undefined {
    return (kind === 'audio' ? this.audio : this.video)?.getSettings().deviceId;
  }

  setMicEnabled(on: boolean): void {
    this.micOn = on;
    if (this.audio) this.audio.enabled = on;
    this.changed();
  }

  async setCameraEnabled(on: boolean): Promise<void> {
    this.cameraOn = on;
    if (!on) this.setTrack('video', null);
    else if (!this.video) this.setTrack('video', await this.open('video', this.choice.videoInput));
    this.changed();
  }

  stop(): void {
    this.setTrack('audio', null);
    this.setTrack('video', null);
    this.changed();
  }

  private async swap(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const turn = (this.turns[kind] += 1);
    try {
      const track = await this.open(kind, deviceId);
      // A later switch (or the camera going off) overtook this one: its device wins.
      if (turn !== this.turns[kind] || (kind === 'video' && !this.cameraOn)) {
        track.stop();
        return;
      }
      this.setTrack(kind, track);
      this.problem = null;
    } catch (error) {
      if (turn !== this.turns[kind]) return;
      this.problem = describe(kind === 'audio' ? 'microphone' : 'camera', error);
    }
    this.changed();
  }

  private changed(): void {
    this.state.set(this.snapshot());
    this.events.emit('tracks');
  }

  private snapshot(): LocalMediaState {
    return {
      audioTrack: this.audio,
      videoTrack: this.video,
      micEnabled: this.micOn,
      cameraEnabled: this.cameraEnabled,
      devices: this.devices,
      error: this.problem,
    };
  }

  private async open(kind: 'audio' | 'video', deviceId: string | undefined): Promise<MediaStreamTrack> {
    const base = kind === 'audio' ? AUDIO : VIDEO;
    const constraints = deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
    const media = await navigator.mediaDevices.getUserMedia({ [kind]: constraints });
    const track = media.getTracks()[0];
    if (!track) throw new Error(`no ${kind} track`);
    if (kind === 'audio') track.enabled = this.micOn;
    if (kind === 'video') track.contentHint = 'motion';
    return track;
  }

  private setTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): void {
    const old = kind === 'audio' ? this.audio : this.video;
    if (old === track) return;
    if (old) {
      old.stop();
      this.stream.removeTrack(old);
    }
    if (track) this.stream.addTrack(track);
    if (kind === 'audio') this.audio = track;
    else this.video = track;
  }
}

function describe(device: string, error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError') return `Permission to use the ${device} was denied.`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return `No ${device} was found.`;
  if (name === 'NotReadableError') return `The ${device} is in use by another program.`;
  return `The ${device} could not be opened.`;
}
