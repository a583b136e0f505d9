import type { RecordingSink, RecordingTarget } from '../call/recorder';

/**
 * A browser guest has no main process and no FFmpeg: the recording is kept in memory and offered
 * as a WebM download when it stops.
 */
export function downloadRecordingSink(doc: Document = document): RecordingSink {
  return {
    kind: 'download',
    open: async ({ title, mimeType }): Promise<RecordingTarget> => {
      const chunks: Blob[] = [];
      const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ').replace(':', '.');
      // eslint-disable-next-line no-control-regex
      const name = `Roundtable ${title.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '-')} ${stamp}.webm`;
      return {
        write: async (chunk) => void chunks.push(chunk),
        finish: async (_elapsedMs, onProgress) => {
          const url = URL.createObjectURL(new Blob(chunks, { type: mimeType.split(';')[0] }));
          const link = doc.createElement('a');
          link.href = url;
          link.download = name;
          link.style.display = 'none';
          doc.body.append(link);
          link.click();
          link.remove();
          setTimeout(() => URL.revokeObjectURL(url), 60_000);
          onProgress(100);
          return { savedAs: name };
        },
      };
    },
  };
}
