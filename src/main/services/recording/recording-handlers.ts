import type { SectionHandlers } from '@shared/ipc/contract';
import type { RECORDING_CHANNELS } from '@shared/ipc/recording';
import { DesktopError } from '@shared/ipc/result';
import type { RecordingService } from './recording-service';

export type RecordingHandlers = SectionHandlers<typeof RECORDING_CHANNELS>;

/**
 * The recording channels as the shell registers them (and the end-to-end tests call them through
 * the same path): their arguments are validated before these run. `reveal` shows only a file this
 * service saved.
 */
export function createRecordingHandlers(service: RecordingService, reveal: (path: string) => void): RecordingHandlers {
  return {
    'recording:start': (options) => service.start(options),
    'recording:append': (id, chunk, elapsedMs) => service.append(id, chunk, elapsedMs),
    'recording:stop': (id, elapsedMs) => service.stop(id, elapsedMs),
    'recording:reveal': (id) => {
      const job = service.job(id);
      if (!job?.path) throw new DesktopError('not-found', 'that recording has no saved file');
      reveal(job.path);
    },
    'recording:jobs': () => service.jobs(),
  };
}
