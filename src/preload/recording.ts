import type { RecordingApi } from '@shared/ipc/recording';
import { invoke } from './bridge';

/** `window.desktop.recording`: chunks of a recording go to the main process, which makes the file. */
export const recordingApi: RecordingApi = {
  start: (options) => invoke('recording:start', options),
  append: (id, chunk, elapsedMs) => invoke('recording:append', id, chunk, elapsedMs),
  stop: (id, elapsedMs) => invoke('recording:stop', id, elapsedMs),
  reveal: (id) => invoke('recording:reveal', id),
  jobs: () => invoke('recording:jobs'),
};
