import type { DesktopChannels, IpcEventName, IpcEvents } from './ipc';
import type { CaptureApi, CaptureBridge } from './ipc/capture';
import type { SectionApi, SectionBridge } from './ipc/contract';

export type { AppInfo } from './ipc/app';

/** Subscribes to an event pushed by the main process; returns the unsubscribe function. */
export type Subscribe = <E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void) => () => void;

type Sections<Wrap extends 'api' | 'bridge'> = {
  [S in keyof DesktopChannels]: Wrap extends 'api' ? SectionApi<DesktopChannels[S]> : SectionBridge<DesktopChannels[S]>;
};

/**
 * What the desktop shell offers the renderer, derived from the channel definitions (src/shared/ipc.ts):
 * `window.desktop.hosting.start(options)` for the channel `HOSTING_CHANNELS.start`, and so on.
 * Every method resolves with the result or rejects with a DesktopError (code, message, details).
 * The renderer reaches it only through `platform/`; a browser guest has none of it.
 */
export interface DesktopApi extends Omit<Sections<'api'>, 'capture' | 'recording' | 'settings' | 'records'> {
  /** FFmpeg sources (optional: a shell or a test that offers none leaves it out). */
  capture?: CaptureApi;
  /** Recording meetings to the Videos folder (optional, like capture). */
  recording?: Sections<'api'>['recording'];
  /** Choices main keeps and uses itself (the language); optional, like capture. */
  settings?: Sections<'api'>['settings'];
  /** Records of meetings hosted on the built-in server, read from its store (optional, like capture). */
  records?: Sections<'api'>['records'];
  on: Subscribe;
}

/**
 * `window.desktop` as the preload exposes it: the same sections, but each method resolves with a
 * result envelope and never rejects (the contextBridge would drop an error's code and details).
 * The renderer's platform/ turns it into a DesktopApi with desktopClient().
 */
export interface DesktopBridge extends Omit<Sections<'bridge'>, 'capture' | 'recording' | 'settings' | 'records'> {
  capture?: CaptureBridge;
  recording?: Sections<'bridge'>['recording'];
  settings?: Sections<'bridge'>['settings'];
  records?: Sections<'bridge'>['records'];
  on: Subscribe;
}
