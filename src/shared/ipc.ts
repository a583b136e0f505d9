import { APP_CHANNELS, APP_EVENTS } from './ipc/app';
import { CAPTURE_CHANNELS } from './ipc/capture';
import { channelsOf, type EventPayloads } from './ipc/contract';
import { DEVICES_CHANNELS, DEVICES_EVENTS } from './ipc/devices';
import { HOSTING_CHANNELS, HOSTING_EVENTS } from './ipc/hosting';
import { MEETING_CHANNELS, MEETING_EVENTS } from './ipc/meeting';
import { RECORDING_CHANNELS, RECORDING_EVENTS } from './ipc/recording';
import { RECORDS_CHANNELS } from './ipc/records';
import { SCREEN_CHANNELS } from './ipc/screen';
import { SETTINGS_CHANNELS, SETTINGS_EVENTS } from './ipc/settings';

/**
 * Every IPC channel, by section of `window.desktop`. Each feature declares its channels once, in
 * `ipc/<feature>.ts` (name, direction, zod schemas); this file only joins them.
 */
export const DESKTOP_CHANNELS = {
  app: APP_CHANNELS,
  hosting: HOSTING_CHANNELS,
  meeting: MEETING_CHANNELS,
  devices: DEVICES_CHANNELS,
  screen: SCREEN_CHANNELS,
  capture: CAPTURE_CHANNELS,
  recording: RECORDING_CHANNELS,
  settings: SETTINGS_CHANNELS,
  records: RECORDS_CHANNELS,
};
export type DesktopChannels = typeof DESKTOP_CHANNELS;

/** The names of every request channel (renderer -> main). */
export const IPC_CHANNELS: readonly string[] = channelsOf(DESKTOP_CHANNELS).map((channel) => channel.name);

/** Every event main pushes to the renderer (main -> renderer), joined the same way. */
export const DESKTOP_EVENTS = [...APP_EVENTS, ...HOSTING_EVENTS, ...MEETING_EVENTS, ...DEVICES_EVENTS, ...RECORDING_EVENTS, ...SETTINGS_EVENTS] as const;
export type IpcEvents = EventPayloads<typeof DESKTOP_EVENTS>;
export type IpcEventName = keyof IpcEvents;
