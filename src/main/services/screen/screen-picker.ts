import type { CaptureChoice, CaptureSource, CaptureSources } from '@shared/ipc/screen';
import { DesktopError } from '@shared/ipc/result';

/** What the OS gives us for one capturable surface (Electron's DesktopCapturerSource, adapted). */
export interface NativeSource<Handle> {
  id: string;
  name: string;
  thumbnail: string;
  appIcon: string | null;
  /** The object the display-media handler hands back to Chromium. */
  handle: Handle;
}

export interface ScreenPickerDeps<Handle> {
  listSources: () => Promise<NativeSource<Handle>[]>;
  platform: NodeJS.Platform;
  now: () => number;
}

/** A choice is for the getDisplayMedia() call that follows it, not for one a minute later. */
const CHOICE_TTL_MS = 10_000;

/**
 * Our own screen picker's back end: lists screens and windows with thumbnails, remembers what the
 * user chose, and hands exactly that to the next display-media request (once). No Electron here.
 */
export class ScreenPicker<Handle> {
  private listed = new Map<string, NativeSource<Handle>>();
  private pending: { source: NativeSource<Handle>; audio: boolean; at: number } | null = null;

  constructor(private readonly deps: ScreenPickerDeps<Handle>) {}

  /** System sound can go with a share on Windows and macOS (Chromium's loopback capture); not on Linux. */
  get audioAvailable(): boolean {
    return this.deps.platform === 'win32' || this.deps.platform === 'darwin';
  }

  async sources(): Promise<CaptureSources> {
    const sources = await this.deps.listSources();
    this.listed = new Map(sources.map((s) => [s.id, s]));
    return {
      sources: sources.map<CaptureSource>(({ id, name, thumbnail, appIcon }) => ({
        id,
        name,
        kind: id.startsWith('screen:') ? 'screen' : 'window',
        thumbnail,
        appIcon,
      })),
      audioAvailable: this.audioAvailable,
    };
  }

  /** Records the user's choice (a well-formed one: the channel validated it); refuses anything that is not one of the sources just listed. */
  choose(choice: CaptureChoice): void {
    const source = this.listed.get(choice.id);
    if (!source) throw new DesktopError('not-found', 'that screen or window is not one of those offered; list them again');
    this.pending = { source, audio: choice.audio && this.audioAvailable, at: this.deps.now() };
  }

  /** The choice for this display-media request, used up; null if the user chose nothing (recently). */
  take(): { source: NativeSource<Handle>; audio: boolean } | null {
    const pending = this.pending;
    this.pending = null;
    if (!pending || this.deps.now() - pending.at > CHOICE_TTL_MS) return null;
    return { source: pending.source, audio: pending.audio };
  }
}
