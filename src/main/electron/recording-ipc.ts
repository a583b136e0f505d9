import { BrowserWindow, Notification, shell } from 'electron';
import type { RecordingJob } from '@shared/ipc/recording';
import { createRecordingHandlers, type RecordingHandlers } from '../services/recording/recording-handlers';
import type { RecordingService } from '../services/recording';
import { sendToRenderer } from './ipc';
import { englishText, type Translate } from '../text/desktop-text';

/** The task bar / dock shows how far a recording being finalized or recovered is. */
export function showProgress(job: RecordingJob): void {
  const busy = (job.phase === 'finalizing' || job.phase === 'recovering') && job.percent !== null;
  for (const window of BrowserWindow.getAllWindows()) window.setProgressBar(busy ? job.percent! / 100 : -1);
}

/**
 * Recording in the desktop app: the channels, progress pushed to the renderer and the task bar,
 * and, at start, recordings a crash left behind turned into files (the user is told where).
 */
export function installRecording(
  service: RecordingService,
  devServerUrl?: string,
  text: () => Translate = () => englishText,
): { handlers: RecordingHandlers; recover: () => Promise<void> } {
  service.onJob((job) => {
    sendToRenderer('recording:job', job, devServerUrl);
    showProgress(job);
  });
  return {
    handlers: createRecordingHandlers(service, (path) => shell.showItemInFolder(path)),
    recover: async () => {
      for (const job of await service.recover()) {
        if (!Notification.isSupported()) continue;
        const t = text();
        const body = job.phase === 'saved' ? t('notices.recoveredSaved', { path: job.path ?? '' }) : t('notices.recoveredFailed', { error: job.error ?? '' });
        new Notification({ title: t('notices.recoveredTitle'), body }).show();
      }
    },
  };
}
