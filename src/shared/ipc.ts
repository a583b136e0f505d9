import { APP_CHANNELS, type AppChannels, type AppEvents } from './ipc/app';
import { CAPTURE_CHANNELS, type CaptureChannels } from './ipc/capture';
import { RECORDING_CHANNELS, type RecordingChannels, type RecordingEvents } from './ipc/recording';
import { DEVICES_CHANNELS, type DevicesChannels, type DevicesEvents } from './ipc/devices';
import { HOSTING_CHANNELS, type HostingChannels, type HostingEvents } from './ipc/hosting';
import { MEETING_CHANNELS, type MeetingChannels, type MeetingEvents } from './ipc/meeting';
import { SCREEN_CHANNELS, type ScreenChannels } from './ipc/screen';

/**
 * Every IPC channel (renderer -> main, request/response), with what goes in and what comes back.
 * Each feature declares its channels in `ipc/<feature>.ts`; this file only joins them.
 */
export type IpcContract = AppChannels & HostingChannels & MeetingChannels & DevicesChannels & ScreenChannels & CaptureChannels & RecordingChannels;
export type IpcChannel = keyof IpcContract;
export const IPC_CHANNELS = [
  ...APP_CHANNELS,
  ...HOSTING_CHANNELS,
  ...MEETING_CHANNELS,
  ...DEVICES_CHANNELS,
  ...SCREEN_CHANNELS,
  ...CAPTURE_CHANNELS,
  ...RECORDING_CHANNELS,
] as const satisfies readonly IpcChannel[];

/** Every event main pushes to the renderer (main -> renderer), joined the same way. */
export type IpcEvents = AppEvents & HostingEvents & MeetingEvents & DevicesEvents & RecordingEvents;
export type IpcEventName = keyof IpcEvents;
