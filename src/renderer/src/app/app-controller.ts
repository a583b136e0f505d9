import { CallSession } from '../call/call-session';
import { LocalMedia } from '../call/local-media';
import { Store } from '../call/store';
import type { Platform } from '../platform/platform';
import type { LaunchParams } from './url-params';

export type Stage = 'home' | 'prejoin' | 'meeting' | 'left';

/** Who joins which meeting on which server. */
export interface MeetingChoice {
  name: string;
  room: string;
  server: string;
}

export interface AppState {
  stage: Stage;
  choice: MeetingChoice;
  /** From the pre-join screen until the meeting ends; its server connection opens early so joining is quick. */
  session: CallSession | null;
  joining: boolean;
  joinError: string | null;
  speaker: string | undefined;
  /** Past this many people the meeting is audio-first. */
  audioFirstAbove: number;
  /** Why the last meeting ended when it was not our own choice (shown on the "left" screen). */
  endedReason: string | null;
}

/** Small persisted preferences (name, devices), localStorage in the app. */
export interface Preferences {
  get(key: 'name' | 'camera' | 'microphone' | 'speaker'): string | undefined;
  set(key: 'name' | 'camera' | 'microphone' | 'speaker', value: string): void;
}

export interface AppControllerDeps {
  platform: Platform;
  preferences: Preferences;
  launch: LaunchParams;
  /** Where each meeting's participant secret is kept (sessionStorage: survives a reload, not a new tab). */
  secretStore: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The app's flow, outside React: home -> pre-join -> meeting -> left. Owns the local media and
 * the call session; the UI renders `state` and calls these methods.
 */
export class AppController {
  readonly media = new LocalMedia();
  readonly state: Store<AppState>;

  constructor(private readonly deps: AppControllerDeps) {
    const { launch, preferences, platform } = deps;
    this.state = new Store<AppState>({
      stage: 'home',
      choice: { name: launch.name ?? preferences.get('name') ?? '', room: launch.room ?? '', server: platform.defaultServer() },
      session: null,
      joining: false,
      joinError: null,
      speaker: preferences.get('speaker'),
      endedReason: null,
      audioFirstAbove: launch.audioFirstAbove,
    });
  }

  /** Starts where the launch URL says: `?room=&name=` opens the pre-join screen, `&autojoin=1` joins. */
  async start(): Promise<void> {
    const { launch } = this.deps;
    if (!launch.room || !launch.name) return;
    await this.prepare(this.state.get().choice);
    if (launch.autojoin) await this.join();
  }

  async prepare(choice: MeetingChoice): Promise<void> {
    const { preferences, platform, secretStore } = this.deps;
    preferences.set('name', choice.name);
    platform.rememberServer(choice.server);
    this.state.get().session?.dispose();
    const session = new CallSession({
      serverUrl: choice.server,
      room: choice.room,
      name: choice.name,
      media: this.media,
      secretStore,
      budget: this.deps.launch.budget,
    });
    this.patch({ stage: 'prejoin', choice, session, joinError: null });
    await this.media.start({ audioInput: preferences.get('microphone'), videoInput: preferences.get('camera') });
  }

  /** The meeting ended under us (the host stopped it): show why, like a leave. */
  private watchForEnd(session: CallSession): void {
    const off = session.state.subscribe(() => {
      const { phase, error } = session.state.get();
      if (phase !== 'ended') return;
      off();
      this.media.stop();
      if (this.state.get().session === session) this.patch({ stage: 'left', session: null, endedReason: error });
    });
  }

  async join(): Promise<void> {
    const { session, joining } = this.state.get();
    if (!session || joining) return;
    this.patch({ joining: true, joinError: null });
    try {
      await session.join();
      this.watchForEnd(session);
      this.patch({ stage: 'meeting', joining: false, endedReason: null });
    } catch (error) {
      this.patch({ joining: false, joinError: error instanceof Error ? error.message : String(error) });
    }
  }

  async leave(): Promise<void> {
    await this.state.get().session?.leave();
    this.media.stop();
    this.patch({ stage: 'left', session: null });
  }

  rejoin(): Promise<void> {
    return this.prepare(this.state.get().choice);
  }

  goHome(): void {
    this.state.get().session?.dispose();
    this.media.stop();
    this.patch({ stage: 'home', session: null, joinError: null });
  }

  async chooseCamera(id: string): Promise<void> {
    this.deps.preferences.set('camera', id);
    await this.media.useCamera(id);
  }

  async chooseMicrophone(id: string): Promise<void> {
    this.deps.preferences.set('microphone', id);
    await this.media.useMicrophone(id);
  }

  chooseSpeaker(id: string): void {
    this.deps.preferences.set('speaker', id);
    this.patch({ speaker: id });
  }

  /** The page is going away: drop everything without ceremony. */
  dispose(): void {
    this.state.get().session?.dispose();
    this.media.stop();
  }

  private patch(change: Partial<AppState>): void {
    this.state.update((s) => ({ ...s, ...change }));
  }
}
