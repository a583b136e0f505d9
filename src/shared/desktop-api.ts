import type { IpcEventName, IpcEvents } from './ipc';
import type { CaptureApi } from './ipc/capture';
import type { DevicesApi } from './ipc/devices';
import type { RecordingApi } from './ipc/recording';
import type { HostingApi } from './ipc/hosting';
import type { MeetingApi } from './ipc/meeting';
import type { ScreenApi } from './ipc/screen';

/**
 * What the desktop shell offers the renderer, exposed by the preload as `window.desktop`.
 * The renderer reaches it only through `platform/`; a browser guest has none of it.
 * Each feature adds its own section (an interface in its own file, joined here).
 */
export interface AppInfo {
  name: string;
  version: string;
  platform: string;
}

export interface AppApi {
  info(): Promise<AppInfo>;
  /** Opens an http(s) link in the user's browser; anything else is refused. */
  openExternal(url: string): Promise<void>;
}

export interface DesktopApi {
  app: AppApi;
  hosting: HostingApi;
  meeting: MeetingApi;
  devices: DevicesApi;
  /** FFmpeg sources (optional: a shell or a test that offers none leaves it out). */
  capture?: CaptureApi;
  /** Recording meetings to the Videos folder (optional, like capture). */
  recording?: RecordingApi;
  /** Our own screen picker: what getDisplayMedia() shares. */
  screen: ScreenApi;
  /** Subscribes to an event pushed by the main process; returns the unsubscribe function. */
  on<E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void;
}
