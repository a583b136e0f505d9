/** A screen or window the user can share, as our own picker shows it. */
export interface CaptureSource {
  id: string;
  name: string;
  kind: 'screen' | 'window';
  /** A PNG data URL of what it shows now. */
  thumbnail: string;
  /** The window's application icon, when there is one (PNG data URL). */
  appIcon: string | null;
}

export interface CaptureSources {
  sources: CaptureSource[];
  /** Whether the computer's sound can be shared with a screen on this OS. */
  audioAvailable: boolean;
}

export interface CaptureChoice {
  id: string;
  audio: boolean;
}

export interface ScreenChannels {
  /** The screens and windows there are now, with live thumbnails. */
  'screen:sources': { args: []; result: CaptureSources };
  /** What the next getDisplayMedia() call gets (within a few seconds). */
  'screen:choose': { args: [choice: CaptureChoice]; result: void };
}

export const SCREEN_CHANNELS = ['screen:sources', 'screen:choose'] as const satisfies ReadonlyArray<keyof ScreenChannels>;

export interface ScreenApi {
  sources(): Promise<CaptureSources>;
  choose(choice: CaptureChoice): Promise<void>;
}
