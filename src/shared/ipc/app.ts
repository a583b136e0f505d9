import type { AppInfo } from '../desktop-api';

/** Channels of the app itself (about, external links). */
export interface AppChannels {
  'app:info': { args: []; result: AppInfo };
  'app:open-external': { args: [url: string]; result: void };
}

export const APP_CHANNELS = ['app:info', 'app:open-external'] as const satisfies ReadonlyArray<keyof AppChannels>;

/** Events main pushes to the renderer about the app. */
export interface AppEvents {
  /** The window should focus a meeting (e.g. chosen from the tray): the renderer navigates there. */
  'app:open-meeting': { url: string };
}
