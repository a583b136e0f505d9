import { APP_CHANNELS, type AppChannels, type AppEvents } from './ipc/app';

/**
 * Every IPC channel (renderer -> main, request/response), with what goes in and what comes back.
 * Each feature declares its channels in `ipc/<feature>.ts`; this file only joins them.
 */
export type IpcContract = AppChannels;
export type IpcChannel = keyof IpcContract;
export const IPC_CHANNELS = [...APP_CHANNELS] as const satisfies readonly IpcChannel[];

/** Every event main pushes to the renderer (main -> renderer), joined the same way. */
export type IpcEvents = AppEvents;
export type IpcEventName = keyof IpcEvents;
