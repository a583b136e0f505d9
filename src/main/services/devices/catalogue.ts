import type { AddedSource } from '@shared/ipc/capture';
import type { BrowserDevice, DeviceRole, DeviceSnapshot, FfmpegStatus } from '@shared/ipc/devices';
import type { FfmpegBackend, FfmpegDevice, FfmpegDeviceKind } from '../ffmpeg/device';
import type { DeviceChoices } from '../settings/device-choices';
import type { ValueStore } from '../settings/json-file';
import type { DeviceCache } from './cache';
import { matchDevices, resolveSelection } from './match';
import { visibleDevices } from './visible';
import { errorMessage } from '@shared/errors';
import { FfmpegNotFoundError } from '../ffmpeg/locate';

/** What one FFmpeg listing found. */
export interface FfmpegListing {
  /** The backends that were asked (a light refresh asks only some). */
  backends: FfmpegBackend[];
  devices: FfmpegDevice[];
  /** Backends that could not list, with FFmpeg's reason. */
  errors: Array<{ backend: FfmpegBackend; message: string }>;
}

/** Lists FFmpeg's devices (only the backends of `kinds` when given); throws when FFmpeg cannot be run at all. */
export type FfmpegLister = (kinds?: FfmpegDeviceKind[]) => Promise<FfmpegListing>;

export interface CatalogueDeps {
  lister: FfmpegLister;
  cache: ValueStore<DeviceCache>;
  choices: ValueStore<DeviceChoices>;
  platform: NodeJS.Platform;
  /** How long to wait after a hot-plug report before listing again (several events come at once). */
  hotplugDebounceMs?: number;
  now?: () => number;
}

type Listener = (snapshot: DeviceSnapshot) => void;

/**
 * The device catalogue of the main process: FFmpeg's devices matched to Chromium's, the user's
 * choice for each role, and a snapshot of both for the app menu and the pickers.
 *
 * `start()` serves the last known lists from the cache at once and lists afresh in the background.
 * The renderer reports Chromium's list at start and on every `devicechange`; a change there is a
 * hot-plug, answered with a light, debounced FFmpeg listing of the kinds that changed.
 */
export class DeviceCatalogue {
  private ffmpegDevices: FfmpegDevice[] = [];
  private pulseAnswered = false;
  private status: FfmpegStatus = { state: 'pending', problem: null, message: null, source: 'none', listedAt: null };
  private browser: BrowserDevice[] | null = null;
  private choices: DeviceChoices = {};
  private added: readonly AddedSource[] = [];
  private current: DeviceSnapshot;
  private readonly listeners = new Set<Listener>();
  private chain: Promise<void> = Promise.resolve();
  private queued: { kinds: Set<FfmpegDeviceKind> | null; done: Promise<void> } | null = null;
  private hotplugTimer: ReturnType<typeof setTimeout> | undefined;
  private hotplugKinds = new Set<FfmpegDeviceKind>();
  private disposed = false;

  constructor(private readonly deps: CatalogueDeps) {
    this.current = this.compute();
  }

  /** Loads the cached lists and the saved choices (the menu can be built right after), then lists afresh in the background. */
  async start(): Promise<DeviceSnapshot> {
    const [cache, choices] = await Promise.all([this.deps.cache.read(), this.deps.choices.read()]);
    this.choices = choices ?? {};
    if (cache?.ffmpeg) {
      this.ffmpegDevices = cache.ffmpeg.devices;
      this.pulseAnswered = cache.ffmpeg.pulseAnswered;
      this.status = { state: 'ok', problem: null, message: null, source: 'cache', listedAt: cache.ffmpeg.listedAt };
    }
    if (cache?.browser && this.browser === null) this.browser = cache.browser;
    this.update();
    // After whoever awaits this has built the menu: spawning FFmpeg takes a few milliseconds itself.
    setTimeout(() => {
      if (!this.disposed) void this.refresh();
    }, 0);
    return this.current;
  }

  snapshot(): DeviceSnapshot {
    return this.current;
  }

  /** Called with every new snapshot; returns the unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Lists FFmpeg's devices again (all backends, or those listing `kinds`). Calls made while a
   * listing runs are merged into one listing that starts after it.
   */
  refresh(kinds?: FfmpegDeviceKind[]): Promise<DeviceSnapshot> {
    if (this.queued) {
      if (!kinds) this.queued.kinds = null;
      else for (const kind of kinds) this.queued.kinds?.add(kind);
      return this.queued.done.then(() => this.current);
    }
    const request: { kinds: Set<FfmpegDeviceKind> | null; done: Promise<void> } = { kinds: kinds ? new Set(kinds) : null, done: Promise.resolve() };
    request.done = this.chain.then(() => {
      if (this.queued === request) this.queued = null;
      return this.listNow(request.kinds ? [...request.kinds] : undefined);
    });
    this.queued = request;
    this.chain = request.done.catch(() => undefined);
    return request.done.then(() => this.current);
  }

  /** Chromium's `enumerateDevices()` from the renderer. A change after the first report is a hot-plug. */
  reportBrowserDevices(devices: BrowserDevice[]): void {
    const before = this.browser;
    this.browser = devices;
    this.update();
    void this.saveCache();
    if (before === null) return;
    const changed = new Set<FfmpegDeviceKind>();
    if (differ(before, devices, 'videoinput')) changed.add('video');
    if (differ(before, devices, 'audioinput')) changed.add('audio');
    if (changed.size > 0) this.hotplug(changed);
  }

  /** The user chose a device (menu or picker): remembered by its key and Chromium id. */
  async select(role: DeviceRole, key: string): Promise<DeviceSnapshot> {
    const entry = this.current.entries[role].find((e) => e.key === key);
    if (!entry) throw new Error(`there is no ${role} "${key}" (any more)`);
    if (!entry.enabled) throw new Error(`${entry.label} cannot be used: ${entry.note ?? 'the browser engine does not list it'}`);
    this.choices = { ...this.choices, [role]: { key: entry.key, label: entry.label, browserId: entry.browserId } };
    this.update();
    await this.deps.choices.write(this.choices);
    return this.current;
  }

  /** The sources added with "Add a source…": listed as cameras and microphones, captured through FFmpeg. */
  setAddedSources(sources: readonly AddedSource[]): void {
    this.added = sources;
    this.update();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.hotplugTimer);
    this.listeners.clear();
  }

  private hotplug(kinds: Set<FfmpegDeviceKind>): void {
    for (const kind of kinds) this.hotplugKinds.add(kind);
    clearTimeout(this.hotplugTimer);
    this.hotplugTimer = setTimeout(() => {
      const pending = [...this.hotplugKinds];
      this.hotplugKinds.clear();
      if (!this.disposed) void this.refresh(pending);
    }, this.deps.hotplugDebounceMs ?? 250);
  }

  private async listNow(kinds: FfmpegDeviceKind[] | undefined): Promise<void> {
    if (this.disposed) return;
    const now = this.deps.now ?? Date.now;
    try {
      const listing = await this.deps.lister(kinds);
      const asked = new Set(listing.backends);
      const failed = new Set(listing.errors.map((e) => e.backend));
      // Devices of backends not asked this time (or that failed now) stay as they were.
      const kept = this.ffmpegDevices.filter((d) => !asked.has(d.backend) || failed.has(d.backend));
      this.ffmpegDevices = [...kept, ...listing.devices];
      if (asked.has('pulse')) this.pulseAnswered = !failed.has('pulse');
      const allFailed = listing.backends.length > 0 && listing.errors.length === listing.backends.length && kinds === undefined;
      this.status = {
        state: allFailed ? 'unavailable' : 'ok',
        problem: allFailed ? 'cannot-list' : null,
        message: allFailed ? `FFmpeg could not list devices: ${listing.errors.map((e) => `${e.backend}: ${e.message}`).join('; ')}` : null,
        source: 'fresh',
        listedAt: now(),
      };
    } catch (error) {
      this.ffmpegDevices = [];
      this.status = {
        state: 'unavailable',
        problem: error instanceof FfmpegNotFoundError ? error.reason : 'cannot-list',
        message: errorMessage(error),
        source: 'none',
        listedAt: null,
      };
    }
    this.update();
    await this.saveCache();
  }

  private async saveCache(): Promise<void> {
    const ffmpeg = this.status.listedAt !== null ? { devices: this.ffmpegDevices, listedAt: this.status.listedAt, pulseAnswered: this.pulseAnswered } : null;
    await this.deps.cache.write({ version: 1, ffmpeg, browser: this.browser }).catch(() => undefined);
  }

  private compute(): DeviceSnapshot {
    const entries = matchDevices({
      ffmpeg: visibleDevices(this.ffmpegDevices, this.pulseAnswered),
      ffmpegKnown: this.status.listedAt !== null,
      browser: this.browser,
      platform: this.deps.platform,
      added: this.added,
    });
    return {
      entries,
      selected: {
        camera: resolveSelection(entries.camera, this.choices.camera),
        microphone: resolveSelection(entries.microphone, this.choices.microphone),
        speaker: resolveSelection(entries.speaker, this.choices.speaker),
      },
      ffmpeg: this.status,
    };
  }

  private update(): void {
    const next = this.compute();
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }
}

function differ(a: readonly BrowserDevice[], b: readonly BrowserDevice[], kind: BrowserDevice['kind']): boolean {
  const ids = (list: readonly BrowserDevice[]) =>
    list
      .filter((d) => d.kind === kind)
      .map((d) => `${d.deviceId}\u0000${d.label}`)
      .sort()
      .join('\u0001');
  return ids(a) !== ids(b);
}
