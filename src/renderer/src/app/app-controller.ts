import { sameSource } from '@shared/ipc/capture';
import { CallSession } from '../call/call-session';
import type { EndedReason } from '../text/ended';
import { LocalMedia } from '../call/local-media';
import { Store, type ReadonlyStore } from '../call/store';
import { getCapture } from '../platform/capture';
import { browserIdFor, captureFor, getDeviceChoices, type DeviceChoices, type DeviceRole } from '../platform/devices';
import type { Platform } from '../platform/platform';
import type { LaunchParams } from './url-params';
import { errorMessage } from '@shared/errors';
import { SerialQueue } from '@shared/serial';

export type Stage = 'home' | 'prejoin' | 'meeting' | 'left';

/** Who joins which meeting on which server. */
export interface MeetingChoice {
  name: string;
  room: string;
  server: string;
  /** Start the meeting if nobody runs it (New meeting, hosting); otherwise joining waits for its host. */
  start?: boolean;
}

export interface AppState {
  stage: Stage;
  choice: MeetingChoice;
  /** From the pre-join screen until the meeting ends; its server connection opens early so joining is quick. */
  session: CallSession | null;
  joining: boolean;
  /** Why joining failed (worded by text/failures.ts when shown, so in the language of the moment). */
  joinError: unknown;
  /** Chromium's deviceId of the speaker to play the meeting on (setSinkId). */
  speaker: string | undefined;
  /** Past this many people the meeting is audio-first. */
  audioFirstAbove: number;
  /** The layout a meeting opens in. */
  initialLayout: 'grid' | 'speaker';
  /** Why the last meeting ended when it was not our own choice (worded on the "left" screen, in the language of the moment). */
  ended: EndedReason | null;
  /** The meeting asked for a passcode (none given, or a wrong one): the pre-join screen asks for it. */
  needsPasscode: boolean;
}

/** Small persisted preferences (name, devices), localStorage in the app. */
export interface Preferences {
  get(key: 'name' | 'camera' | 'microphone' | 'speaker'): string | undefined;
  set(key: 'name' | 'camera' | 'microphone' | 'speaker', value: string): void;
}

export interface AddressBar {
  /** The meeting's own link (its code only: never the passcode or the person's name), or the bare address for none. */
  show(room: string | null): void;
}

export interface AppControllerDeps {
  platform: Platform;
  preferences: Preferences;
  launch: LaunchParams;
  /** Where each meeting's participant secret is kept (sessionStorage: survives a reload, not a new tab), and whether we were in it. */
  secretStore: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Shows the meeting in the address bar (a browser guest can reload, or copy the address to invite someone). */
  addressBar?: AddressBar;
  /** Where it is kept for good while we host a meeting whose chat is kept (localStorage). */
  keptSecretStore?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Camera, microphone and speaker choices (the desktop catalogue, shared with the app menu; or the browser's own). */
  devices?: DeviceChoices;
}

/**
 * The app's flow, outside React: home -> pre-join -> meeting -> left. Owns the local media and
 * the call session; the UI renders `state` and calls these methods.
 */
export class AppController {
  /** Camera and microphone: Chromium's devices, or FFmpeg sources in the desktop app. */
  readonly media = new LocalMedia({ capture: getCapture() });
  /** Read-only for the UI: the controller's methods change it. */
  readonly state: ReadonlyStore<AppState>;
  private readonly writable: Store<AppState>;
  readonly devices: DeviceChoices;
  /** Whether the devices are open (pre-join and meeting): device choices then switch them. */
  private mediaOpen = false;
  /** Device changes, one at a time, each against the latest choices. */
  private readonly applying = new SerialQueue();

  constructor(private readonly deps: AppControllerDeps) {
    const { launch, preferences, platform } = deps;
    this.devices = deps.devices ?? getDeviceChoices();
    this.state = this.writable = new Store<AppState>({
      stage: 'home',
      choice: {
        name: launch.name ?? preferences.get('name') ?? '',
        room: launch.room ?? launch.roomAsGiven ?? '',
        server: platform.defaultServer(),
        ...(launch.start ? { start: true } : {}),
      },
      session: null,
      joining: false,
      joinError: null,
      speaker: browserIdFor(this.devices.state.get(), 'speaker'),
      ended: null,
      needsPasscode: false,
      audioFirstAbove: launch.audioFirstAbove,
      initialLayout: launch.layout,
    });
    // A choice made anywhere (a picker, the app menu, another window) reaches the open devices.
    this.devices.state.subscribe(() => this.applyDevices());
  }

  /**
   * Starts where the launch URL says: `?room=&name=` opens the pre-join screen, `&autojoin=1` joins,
   * and a reload of a meeting we were in joins it again (as the same person: the secret is kept).
   */
  async start(): Promise<void> {
    const { launch } = this.deps;
    const { choice } = this.state.get();
    if (!launch.room || !choice.name) return;
    const wasIn = this.deps.secretStore.getItem(joinedKey(choice)) !== null;
    await this.prepare(choice);
    if (launch.autojoin || wasIn) await this.join();
  }

  async prepare(choice: MeetingChoice): Promise<void> {
    const { preferences, platform, secretStore, keptSecretStore } = this.deps;
    preferences.set('name', choice.name);
    platform.rememberServer(choice.server);
    this.state.get().session?.dispose();
    const session = new CallSession({
      serverUrl: choice.server,
      room: choice.room,
      name: choice.name,
      media: this.media,
      secretStore,
      ...(keptSecretStore ? { keptSecretStore } : {}),
      budget: this.deps.launch.budget,
      relayOnly: this.deps.launch.relayOnly,
      ...(choice.start ? { create: {} } : {}),
    });
    this.patch({ stage: 'prejoin', choice, session, joinError: null });
    this.followEndReason(session);
    this.deps.addressBar?.show(choice.room);
    await this.devices.ready();
    const snapshot = this.devices.state.get();
    this.mediaOpen = true;
    await this.media.start({
      audioInput: browserIdFor(snapshot, 'microphone'),
      videoInput: browserIdFor(snapshot, 'camera'),
      audioCapture: captureFor(snapshot, 'microphone'),
      videoCapture: captureFor(snapshot, 'camera'),
    });
    // While the person looks at themselves and picks devices, the first offer gets made.
    session.prepareConnection();
    // Now that a permission is granted, Chromium's list has labels: report it again.
    await this.devices.rescan();
    this.applyDevices();
  }

  /** The meeting ended under us (the host stopped it): show why, like a leave. */
  private watchForEnd(session: CallSession): void {
    const look = (): void => {
      const { phase, error, self, settings } = session.state.get();
      if (phase !== 'ended' && phase !== 'sent-away') {
        this.hosting = self !== null && settings.hostId === self.id;
        return;
      }
      off();
      this.deps.secretStore.removeItem(joinedKey(this.state.get().choice));
      this.closeMedia();
      if (this.state.get().session === session) this.patch({ stage: 'left', session: null, ended: this.endReason ?? { reason: null, message: error } });
    };
    const off = session.state.subscribe(look);
    look();
  }

  /** The server's reason for ending the meeting for us (a code, worded by text/ended.ts), whichever hears of it first. */
  private endReason: EndedReason | null = null;
  private followEndReason(session: CallSession): void {
    this.endReason = null;
    const heard = (ended: EndedReason): void => {
      if (this.state.get().session !== session && this.state.get().stage !== 'left') return;
      this.endReason = ended;
      if (this.state.get().stage === 'left' && this.state.get().ended) this.patch({ ended });
    };
    const events = session.signaling.events;
    events.on('meeting-ended', heard);
    events.on('sent-away', heard);
  }

  /** Joins (or enters the waiting room); `passcode` when the person typed one on the pre-join screen. */
  async join(passcode?: string): Promise<void> {
    const { session, joining } = this.state.get();
    if (!session || joining) return;
    const askedBefore = this.state.get().needsPasscode;
    this.patch({ joining: true, joinError: null });
    try {
      await session.join(passcode ?? this.deps.launch.passcode ?? undefined);
      // A reload of the page now comes back into the meeting.
      this.deps.secretStore.setItem(joinedKey(this.state.get().choice), '1');
      this.watchForEnd(session);
      this.patch({ stage: 'meeting', joining: false, ended: null });
    } catch (error) {
      const code = session.state.get().errorCode;
      this.patch({
        joining: false,
        joinError: error,
        needsPasscode: code === 'passcode-required' || code === 'passcode-wrong' || (askedBefore && code === 'rate-limited'),
      });
    }
  }

  async leave(): Promise<void> {
    this.deps.secretStore.removeItem(joinedKey(this.state.get().choice));
    await this.state.get().session?.leave();
    this.closeMedia();
    this.patch({ stage: 'left', session: null });
  }

  /**
   * Back into the meeting just left. After our own leave it does what the first join did. After the
   * meeting ended under us (someone ended it, or we were sent away) it starts it again only when the
   * person chose that (`startAgain`, the left screen's "Start it again"): otherwise it joins it if
   * someone runs it again, else it waits for its host like any guest, never silently the host.
   */
  rejoin(startAgain = false): Promise<void> {
    const { choice, ended } = this.state.get();
    return this.prepare(ended ? { ...choice, start: startAgain } : choice);
  }

  /** Whether we were the meeting's host, last we looked (kept once it ended). */
  private hosting = false;

  /** On the left screen: the meeting we hosted is over for everyone, so starting it again is ours to offer. */
  canStartAgain(): boolean {
    const { ended } = this.state.get();
    return this.hosting && ended !== null && endedForEveryone(ended);
  }

  goHome(): void {
    this.deps.secretStore.removeItem(joinedKey(this.state.get().choice));
    this.deps.addressBar?.show(null);
    this.state.get().session?.dispose();
    this.closeMedia();
    this.patch({ stage: 'home', session: null, joinError: null });
  }

  /** A picker chose a device (by its key in the device lists); the menu shows it too, and it is remembered. */
  chooseCamera(key: string): Promise<void> {
    return this.chooseDevice('camera', key);
  }

  chooseMicrophone(key: string): Promise<void> {
    return this.chooseDevice('microphone', key);
  }

  chooseSpeaker(key: string): Promise<void> {
    return this.chooseDevice('speaker', key);
  }

  private async chooseDevice(role: DeviceRole, key: string): Promise<void> {
    await this.devices.select(role, key);
    await this.applying.idle();
  }

  /**
   * Brings the open devices in line with the choices: a different camera or microphone is switched
   * (replaceTrack on every connection, no renegotiation), a different speaker re-routes the sound.
   * Runs one at a time, always against the latest choices.
   */
  private applyDevices(): void {
    this.applying.run(() => this.applyNow()).catch((error: unknown) => console.warn(`device switch: ${errorMessage(error)}`));
  }

  private async applyNow(): Promise<void> {
    const snapshot = this.devices.state.get();
    const speaker = browserIdFor(snapshot, 'speaker');
    if (speaker !== undefined && speaker !== this.state.get().speaker) this.patch({ speaker });
    if (!this.mediaOpen) return;
    // Already on it: asked for it, or opened it by default.
    const settled = (id: string | undefined, asked: string | undefined, open: string | undefined) => id === undefined || id === asked || id === open;
    // An FFmpeg source (a device only FFmpeg lists, a stream, a file) is switched to the same way.
    const cameraCapture = captureFor(snapshot, 'camera');
    const camera = browserIdFor(snapshot, 'camera');
    if (cameraCapture) {
      if (!sameSource(cameraCapture, this.media.devices.videoCapture)) await this.media.useCameraCapture(cameraCapture);
    } else if (!settled(camera, this.media.devices.videoInput, this.media.deviceInUse('video'))) await this.media.useCamera(camera!);
    const microphoneCapture = captureFor(snapshot, 'microphone');
    const microphone = browserIdFor(snapshot, 'microphone');
    if (microphoneCapture) {
      if (!sameSource(microphoneCapture, this.media.devices.audioCapture)) await this.media.useMicrophoneCapture(microphoneCapture);
    } else if (!settled(microphone, this.media.devices.audioInput, this.media.deviceInUse('audio'))) await this.media.useMicrophone(microphone!);
  }

  private closeMedia(): void {
    this.mediaOpen = false;
    this.media.stop();
  }

  /** The page is going away: drop everything without ceremony. */
  dispose(): void {
    this.state.get().session?.dispose();
    this.closeMedia();
  }

  private patch(change: Partial<AppState>): void {
    this.writable.update((s) => ({ ...s, ...change }));
  }
}

/** Where a page remembers that it was in this meeting (so a reload joins it again). */
const joinedKey = (choice: MeetingChoice): string => `roundtable.joined:${choice.server}:${choice.room}`;

/** A meeting-ended reason (over for everyone), as against being sent away from a meeting that goes on. */
function endedForEveryone(ended: EndedReason): boolean {
  return ended.reason === 'ended-by-host' || ended.reason === 'host-stopped' || ended.reason === 'server-shutdown';
}
