import type { DesktopApi } from '@shared/desktop-api';
import type { RecordingApi } from '@shared/ipc/recording';
import type { RecordingSink, RecordingTarget } from '../call/recorder';
import { t } from '../text/i18n';

/**
 * The desktop app records to the Videos folder: each chunk goes to the main process, which keeps
 * it on disk at once (a crash loses nothing already sent) and has FFmpeg make the MP4 at the end.
 */
export function desktopRecordingSink(api: RecordingApi, on: DesktopApi['on']): RecordingSink {
  return {
    kind: 'desktop',
    open: async (options): Promise<RecordingTarget> => {
      const { id } = await api.start(options);
      return {
        write: async (chunk, elapsedMs) => api.append(id, new Uint8Array(await chunk.arrayBuffer()), elapsedMs),
        finish: async (elapsedMs, onProgress) => {
          const off = on('recording:job', (job) => {
            if (job.id === id && job.percent !== null) onProgress(job.percent);
          });
          try {
            const job = await api.stop(id, elapsedMs);
            if (job.phase !== 'saved' || !job.path) throw new Error(job.error ?? t('record.notSaved'));
            return { savedAs: job.path };
          } finally {
            off();
          }
        },
        reveal: () => api.reveal(id),
      };
    },
  };
}
