import type { AppInfo } from './desktop-api';

/** Every IPC channel, with what goes in and what comes back. The preload and main both use this. */
export interface IpcContract {
  'app:info': { args: []; result: AppInfo };
  'app:open-external': { args: [url: string]; result: void };
}

export type IpcChannel = keyof IpcContract;

export const IPC_CHANNELS = ['app:info', 'app:open-external'] as const satisfies readonly IpcChannel[];
