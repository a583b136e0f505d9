import { DEFAULT_VIDEO_FORMAT, sameSource, type CaptureRequest, type CaptureSource } from '@shared/ipc/capture';
import { Emitter } from './emitter';
import type { CapturedTrack } from './ffmpeg-track';
import { Store, type ReadonlyStore } from './store';

export interface DeviceChoice {
  /** Chromium's deviceId of the microphone and the camera. */
  audioInput?: string;
  videoInput?: string;
  /** Captured through FFmpeg instead (desktop app): wins over audioInput / videoInput. */
  audioCapture?: CaptureSource;
  videoCapture?: CaptureSource;
}

/** Opens FFmpeg sources as tracks (the desktop app's main process runs FFmpeg). */
export interface CaptureOpener {
  open(request: CaptureRequest): Promise<CapturedTrack>;
}

export interface LocalMediaOptions {
  /** FFmpeg capture; null or absent where there is none (browser guests). */
  capture?: CaptureOpener | null;
}

type Kind = 'audio' | 'video';
type Input = { capture: CaptureSource } | { deviceId: string | undefined };

export interface LocalMediaState {
  audioTrack: MediaStreamTrack | null;
  videoTrack: MediaStreamTrack | null;
  micEnabled: boolean;
  cameraEnabled: boolean;
  devices: DeviceChoice;
  error: string | null;
  /** An FFmpeg source that stopped by itself (unplugged, stream over), with why; `restartSource` tries again. */
  stopped: Record<Kind, string | null>;
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
  private stoppedSources: Record<Kind, string | null> = { audio: null, video: null };
  /** FFmpeg captures behind tracks, so that releasing a track stops its FFmpeg too. */
  private readonly captures = new Map<MediaStreamTrack, { handle: CapturedTrack; source: CaptureSource }>();
  /** Counts device switches per kind, so that only the latest one lands. */
  private readonly turns = { audio: 0, video: 0 };
  /** Opens in flight per kind: a camera that is starting counts as on (the button says so at once). */
  private readonly opening = { audio: 0, video: 0 };
  /** Until the first start, the camera is as the user set it: the pre-join screen shows before the devices open. */
  private started = false;
  /** A snapshot of everything above, for the UI. */
  private readonly writable = new Store<LocalMediaState>(this.snapshot());
  /** Read-only for everyone else: only this class changes it. */
  readonly state: ReadonlyStore<LocalMediaState> = this.writable;

  constructor(private readonly options: LocalMediaOptions = {}) {}

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
  /**
   * Whether the camera is on as the user sees it: on and open, or on and about to open or still
   * opening (so that a click meanwhile turns it off, as the button said it would). Peers are told
   * of a camera only once it has a track.
   */
  get cameraEnabled(): boolean {
    return this.cameraOn && (this.video !== null || this.opening.video > 0 || !this.started);
  }
  get devices(): DeviceChoice {
    return { ...this.choice };
  }

  /** Whether FFmpeg sources can be opened here. */
  get canCapture(): boolean {
    return !!this.options.capture;
  }

  /** Opens the chosen devices; whatever cannot be opened is left off and explained in `error`. */
  async start(choice: DeviceChoice = this.choice): Promise<void> {
    this.choice = { ...choice };
    this.started = true;
    const turn = { audio: (this.turns.audio += 1), video: (this.turns.video += 1) };
    const problems: string[] = [];
    const opened = Promise.all([
      this.open('audio', this.inputFor('audio')).catch((error: unknown) => (problems.push(describe('microphone', error)), null)),
      this.cameraOn ? this.open('video', this.inputFor('video')).catch((error: unknown) => (problems.push(describe('camera', error)), null)) : null,
    ]);
    this.changed();
    const [audio, video] = await opened;
    // A device switch made meanwhile wins over what this start opened.
    if (turn.audio === this.turns.audio) this.setTrack('audio', audio);
    else this.release(audio);
    if (turn.video === this.turns.video) this.setTrack('video', video);
    else this.release(video);
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
    delete this.choice.audioCapture;
    await this.swap('audio', { deviceId });
  }

  /** Switches camera the same way; with the camera off it is only remembered for when it comes on. */
  async useCamera(deviceId: string): Promise<void> {
    this.choice.videoInput = deviceId;
    delete this.choice.videoCapture;
    if (!this.cameraOn) return this.changed();
    await this.swap('video', { deviceId });
  }

  /** Uses an FFmpeg source as the microphone (mid-call too, like any other device). */
  async useMicrophoneCapture(source: CaptureSource): Promise<void> {
    this.choice.audioCapture = source;
    delete this.choice.audioInput;
    await this.swap('audio', { capture: source });
  }

  /** Uses an FFmpeg source as the camera; with the camera off it is only remembered. */
  async useCameraCapture(source: CaptureSource): Promise<void> {
    this.choice.videoCapture = source;
    delete this.choice.videoInput;
    if (!this.cameraOn) return this.changed();
    await this.swap('video', { capture: source });
  }

  /** Opens a source that stopped by itself again (the camera plugged back in, the stream back). */
  async restartSource(kind: Kind): Promise<void> {
    if (kind === 'video' && !this.cameraOn) return;
    await this.swap(kind, this.inputFor(kind));
  }

  /** The deviceId of the device a track is open on (what Chromium reports), if any. */
  deviceInUse(kind: 'audio' | 'video'): string | undefined {
    const track = kind === 'audio' ? this.audio : this.video;
    if (!track || this.captures.has(track)) return undefined;
    return track.getSettings().deviceId;
  }

  /** The FFmpeg source a track is open on, if any. */
  captureInUse(kind: Kind): CaptureSource | undefined {
    const track = kind === 'audio' ? this.audio : this.video;
    return track ? this.captures.get(track)?.source : undefined;
  }

  setMicEnabled(on: boolean): void {
    this.micOn = on;
    if (this.audio) this.audio.enabled = on;
    this.changed();
  }

  async setCameraEnabled(on: boolean): Promise<void> {
    const wasOn = this.cameraEnabled;
    this.cameraOn = on;
    if (!on) {
      // Whatever camera is still opening is released when it lands (start and swap check the turn).
      this.turns.video += 1;
      this.setTrack('video', null);
      this.changed();
    } else if (!this.started) {
      this.changed(); // start() opens it
    } else if (!wasOn) {
      const opened = this.swap('video', this.inputFor('video'));
      this.changed(); // starting: the button reads on at once
      await opened;
    }
  }

  stop(): void {
    this.setTrack('audio', null);
    this.setTrack('video', null);
    this.changed();
  }

  private async swap(kind: Kind, input: Input): Promise<void> {
    const turn = (this.turns[kind] += 1);
    try {
      const track = await this.open(kind, input);
      // A later switch (or the camera going off) overtook this one: its device wins.
      if (turn !== this.turns[kind] || (kind === 'video' && !this.cameraOn)) {
        this.release(track);
        return;
      }
      this.setTrack(kind, track);
      this.problem = null;
      this.stoppedSources = { ...this.stoppedSources, [kind]: null };
    } catch (error) {
      if (turn !== this.turns[kind]) return;
      this.problem = describe(kind === 'audio' ? 'microphone' : 'camera', error);
    }
    this.changed();
  }

  private changed(): void {
    this.writable.set(this.snapshot());
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
      stopped: this.stoppedSources,
    };
  }

  private inputFor(kind: Kind): Input {
    const capture = kind === 'audio' ? this.choice.audioCapture : this.choice.videoCapture;
    return capture ? { capture } : { deviceId: kind === 'audio' ? this.choice.audioInput : this.choice.videoInput };
  }

  private async open(kind: Kind, input: Input): Promise<MediaStreamTrack> {
    this.opening[kind] += 1;
    try {
      return await this.openDevice(kind, input);
    } finally {
      this.opening[kind] -= 1;
    }
  }

  private async openDevice(kind: Kind, input: Input): Promise<MediaStreamTrack> {
    if ('capture' in input) return this.openCapture(kind, input.capture);
    const deviceId = input.deviceId;
    const base = kind === 'audio' ? AUDIO : VIDEO;
    const constraints = deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
    const media = await navigator.mediaDevices.getUserMedia({ [kind]: constraints });
    const track = media.getTracks()[0];
    if (!track) throw new Error(`no ${kind} track`);
    if (kind === 'audio') track.enabled = this.micOn;
    if (kind === 'video') track.contentHint = 'motion';
    return track;
  }

  /** Starts FFmpeg on the source; its track ends the way a device's would when the source dies. */
  private async openCapture(kind: Kind, source: CaptureSource): Promise<MediaStreamTrack> {
    const opener = this.options.capture;
    if (!opener) throw new CaptureError('needsDesktopApp'); // ffmpeg-track.ts CAPTURE_REASON.needsDesktop: the catalogues word it
    let handle: CapturedTrack;
    try {
      handle = await opener.open({ source, media: kind, ...(kind === 'video' ? { video: DEFAULT_VIDEO_FORMAT } : {}) });
    } catch (error) {
      throw new CaptureError(error instanceof Error ? error.message : String(error));
    }
    const track = handle.track;
    this.captures.set(track, { handle, source });
    if (kind === 'audio') track.enabled = this.micOn;
    if (kind === 'video') track.contentHint = 'motion';
    handle.onEnded((reason) => {
      if ((kind === 'audio' ? this.audio : this.video) !== track) return;
      // The call goes on without it (the others see the placeholder); the user is told and may restart it.
      this.setTrack(kind, null);
      this.stoppedSources = { ...this.stoppedSources, [kind]: reason };
      this.problem = `The ${kind === 'audio' ? 'microphone' : 'camera'} source stopped: ${reason}`;
      this.changed();
    });
    return track;
  }

  /** True when the track in use for `kind` is this FFmpeg source (already open, nothing to switch). */
  isCapturing(kind: Kind, source: CaptureSource): boolean {
    return sameSource(this.captureInUse(kind), source);
  }

  /** Stops a track, and the FFmpeg capture behind it if there is one. */
  private release(track: MediaStreamTrack | null): void {
    if (!track) return;
    track.stop();
    this.captures.get(track)?.handle.stop();
    this.captures.delete(track);
  }

  private setTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): void {
    const old = kind === 'audio' ? this.audio : this.video;
    if (old === track) return;
    if (old) {
      this.release(old);
      this.stream.removeTrack(old);
    }
    if (track) this.stream.addTrack(track);
    if (kind === 'audio') this.audio = track;
    else this.video = track;
  }
}

/** Why an FFmpeg source could not be opened, in FFmpeg's words. */
class CaptureError extends Error {
  override readonly name = 'CaptureError';
}

function describe(device: string, error: unknown): string {
  if (error instanceof CaptureError) return `The ${device} source could not be opened: ${error.message}`;
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError') return `Permission to use the ${device} was denied.`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return `No ${device} was found.`;
  if (name === 'NotReadableError') return `The ${device} is in use by another program.`;
  return `The ${device} could not be opened.`;
}
