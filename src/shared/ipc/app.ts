import { z } from 'zod';
import { event, events, invoke } from './contract';

export const AppInfoSchema = z.object({ name: z.string(), version: z.string(), platform: z.string() });
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** `window.desktop.app`: the app itself (about, external links). */
export const APP_CHANNELS = {
  info: invoke('app:info', { args: [], result: AppInfoSchema }),
  /** Opens an http(s) link in the user's browser; anything else is refused. */
  openExternal: invoke('app:open-external', { args: [z.string().min(1).max(2048)], result: z.void() }),
};

/** Events main pushes to the renderer about the app. */
export const APP_EVENTS = events(
  /** The window should focus a meeting (e.g. chosen from the tray): the renderer navigates there. */
  event('app:open-meeting', z.object({ url: z.string().max(4096) })),
);
