import type { CallSession } from './call-session';
import type { LocalMedia } from './local-media';
import { MeetingCompositor, type RecordedTile } from './recorder-compositor';
import { Store, type ReadonlyStore } from './store';

/** Where a recording's chunks go: the desktop's main process (a file made by FFmpeg), or a download. */
export interface RecordingSink {
  readonly kind: 'desktop' | 'download';
  open(options: { title: string; mimeType: string }): Promise<RecordingTarget>;
}

export interface RecordingTarget {
  /** The next chunk, in order; resolves when it is safe (on disk, or kept). */
  write(chunk: Blob, elapsedMs: number): Promise<void>;
  /** No more chunks: make the file. Reports progress (0–100) while it is made. */
  finish(elapsedMs: number, onProgress: (percent: number) => void): Promise<{ savedAs: string }>;
  /** Shows the saved file in the file manager (desktop only). */
  reveal?(): Promise<void>;
}

export type RecorderPhase = 'idle' | 'starting' | 'recording' | 'saving' | 'saved' | 'failed';

export interface RecorderState {
  phase: RecorderPhase;
  /** When recording started (ms since the epoch), while recording. */
  startedAt: number | null;
  /** How far the file is made, while saving. */
  percent: number | null;
  /** Where it went (a path, or a downloaded file's name). */
  savedAs: string | null;
  canReveal: boolean;
  error: string | null;
}

const IDLE: RecorderState = { phase: 'idle', startedAt: null, percent: null, savedAs: null, canReveal: false, error: null };
const TIMESLICE_MS = 1000;
/**
 * How long a start waits for the tiles' first pictures, at most. Cameras that send nothing are not
 * waited for; a new video element of one that does took over 1 s on a loaded machine (the file
 * then opened on initials), so the start, shown as "starting", may take up to this.
 */
const FIRST_PICTURES_MS = 3000;
/**
 * On a busy machine the encoders run behind, and what they still hold when the recorder stops is
 * lost: the last moment before the click. So the recorder goes on this much longer, and FFmpeg
 * cuts the file where the person clicked (desktop only: a browser download cannot be cut).
 */
const CATCH_UP_MS = 1500;

/**
 * The recording's picture: 1280x720 at 30 fps, or 960x540 at 24 fps on a machine with fewer than
 * four cores, where encoding 720p in software next to the call itself would starve both.
 */
export function recordingFormat(cores = navigator.hardwareConcurrency || 4): { width: number; height: number; frameRate: number } {
  return cores >= 4 ? { width: 1280, height: 720, frameRate: 30 } : { width: 960, height: 540, frameRate: 24 };
}

/** The best format MediaRecorder offers here for the meeting (WebM: FFmpeg makes the MP4 on the desktop). */
export function recordingMimeType(): string {
  const candidates = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm'];
  return candidates.find((type) => MediaRecorder.isTypeSupported(type)) ?? 'video/webm';
}

/**
 * Recording the meeting as this participant sees it: every tile composed on a canvas, every voice
 * (their own included) mixed, recorded with MediaRecorder in one-second chunks that go to a sink
 * as they come. While it runs, everyone is told (the meeting shows "Recording").
 */
export class MeetingRecording {
  private readonly writable = new Store<RecorderState>(IDLE);
  /** Read-only for everyone else: only this class changes it. */
  readonly state: ReadonlyStore<RecorderState> = this.writable;
  private compositor: MeetingCompositor | null = null;
  private recorder: MediaRecorder | null = null;
  private target: RecordingTarget | null = null;
  private writes: Promise<void> = Promise.resolve();
  private failure: string | null = null;
  private startedAt = 0;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly session: CallSession,
    private readonly media: LocalMedia,
    private readonly sink: RecordingSink,
  ) {}

  get kind(): RecordingSink['kind'] {
    return this.sink.kind;
  }

  async start(): Promise<void> {
    const phase = this.state.get().phase;
    if (phase === 'starting' || phase === 'recording' || phase === 'saving') return;
    this.patch({ ...IDLE, phase: 'starting' });
    try {
      const compositor = new MeetingCompositor(recordingFormat());
      this.compositor = compositor;
      await compositor.resume();
      this.follow();
      await compositor.firstPictures(FIRST_PICTURES_MS);
      const mimeType = recordingMimeType();
      this.target = await this.sink.open({ title: this.session.state.get().room, mimeType });
      this.failure = null;
      const recorder = new MediaRecorder(compositor.stream, { mimeType, videoBitsPerSecond: 2_000_000, audioBitsPerSecond: 128_000 });
      this.recorder = recorder;
      recorder.ondataavailable = (event) => {
        if (event.data.size === 0 || !this.target) return;
        const target = this.target;
        const elapsed = Date.now() - this.startedAt;
        this.writes = this.writes.then(() =>
          target.write(event.data, elapsed).catch((error: unknown) => {
            // A chunk that cannot be kept ends the recording: better told now than a gap found later.
            this.failure = error instanceof Error ? error.message : String(error);
            void this.stop();
          }),
        );
      };
      // The file's time starts when the recorder does (a busy machine takes a moment), and so does the clock shown.
      await new Promise<void>((resolve, reject) => {
        recorder.addEventListener('start', () => resolve(), { once: true });
        recorder.addEventListener('error', () => reject(new Error('the recorder failed to start')), { once: true });
        recorder.start(TIMESLICE_MS);
      });
      this.startedAt = Date.now();
      this.session.setRecording(true);
      this.patch({ phase: 'recording', startedAt: this.startedAt });
    } catch (error) {
      this.teardown();
      this.patch({ ...IDLE, phase: 'failed', error: `Could not start recording: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  /** Stops recording (everyone sees it stop) and makes the file. */
  /** The person read what happened to the last recording (saved, or why it failed): back to idle. */
  dismiss(): void {
    const { phase } = this.writable.get();
    if (phase === 'saved' || phase === 'failed' || phase === 'idle') this.patch({ phase: 'idle', savedAs: null, error: null });
  }

  async stop(): Promise<void> {
    const recorder = this.recorder;
    if (!recorder || this.state.get().phase !== 'recording') return;
    this.recorder = null;
    const elapsed = Date.now() - this.startedAt;
    // Everyone sees it stop at the click; the recorder catches up meanwhile.
    this.session.setRecording(false);
    this.patch({ phase: 'saving', startedAt: null, percent: 0 });
    if (this.sink.kind === 'desktop' && !this.failure) await new Promise((resolve) => setTimeout(resolve, CATCH_UP_MS));
    await new Promise<void>((resolve) => {
      recorder.addEventListener('stop', () => resolve(), { once: true });
      if (recorder.state === 'inactive') resolve();
      else recorder.stop();
    });
    this.teardown();
    await this.writes;
    const target = this.target!;
    try {
      const { savedAs } = await target.finish(elapsed, (percent) => this.patch({ percent }));
      this.patch({ phase: this.failure ? 'failed' : 'saved', percent: null, savedAs, canReveal: !!target.reveal, error: this.failure });
    } catch (error) {
      this.patch({ phase: 'failed', percent: null, error: error instanceof Error ? error.message : String(error) });
    }
  }

  reveal(): void {
    void this.target?.reveal?.().catch(() => undefined);
  }

  /** The meeting screen is going away: a recording in progress is stopped and saved. */
  dispose(): void {
    void this.stop();
  }

  private follow(): void {
    const update = (): void => {
      const call = this.session.state.get();
      const local = this.media.state.get();
      const tiles: RecordedTile[] = [
        { key: 'self', name: call.self?.name ?? '', video: local.cameraEnabled ? local.videoTrack : null, fit: 'cover' },
        ...call.participants.map((p): RecordedTile => ({ key: p.id, name: p.name, video: p.media.video ? p.tracks.video : null, fit: 'cover' })),
      ];
      const screens = call.participants.filter((p) => p.tracks.screen && p.tracks.screen.readyState === 'live' && p.tracks.screen.muted === false);
      for (const p of screens) tiles.unshift({ key: `${p.id}:screen`, name: `${p.name} (screen)`, video: p.tracks.screen, fit: 'contain' });
      const voices = [
        ...(local.audioTrack ? [local.audioTrack] : []),
        ...call.participants.flatMap((p) => [p.tracks.audio, p.tracks.screenAudio].filter((t): t is MediaStreamTrack => t !== null)),
      ];
      this.compositor?.update(tiles, voices);
    };
    update();
    this.unsubscribe.push(this.session.state.subscribe(update), this.media.state.subscribe(update));
  }

  private teardown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.compositor?.stop();
    this.compositor = null;
  }

  private patch(change: Partial<RecorderState>): void {
    this.writable.update((s) => ({ ...s, ...change }));
  }
}
