import { CAPTURE_PORT_MESSAGE, type CaptureApi, type CaptureRequest } from '@shared/ipc/capture';
import { canGenerateTracks, FfmpegTrack, openFfmpegTracks, type CapturedTrack, type CaptureTrackStats } from '../call/ffmpeg-track';
import type { DesktopCapture } from './capture-model';
import { t } from '../text/i18n';

/** How long a source may take to show its first frame (opening a network stream is slow). */
const FIRST_FRAME_MS = 25_000;

/**
 * The desktop's FFmpeg capture: `open` asks the main process to start FFmpeg; the renderer's end of
 * the capture's MessagePort arrives as a window message from the preload (or a test's bridge),
 * and the frames on it become a track.
 */
export function desktopCapture(api: CaptureApi, target: Window = window): DesktopCapture {
  const arrived = new Map<string, MessagePort>();
  const waiting = new Map<string, (port: MessagePort) => void>();
  target.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== target) return;
    const data = event.data as { type?: unknown; id?: unknown } | null;
    const port = event.ports[0];
    if (!data || data.type !== CAPTURE_PORT_MESSAGE || typeof data.id !== 'string' || !port) return;
    const waiter = waiting.get(data.id);
    if (waiter) {
      waiting.delete(data.id);
      waiter(port);
    } else arrived.set(data.id, port);
  });
  const portFor = (id: string): Promise<MessagePort> => {
    const port = arrived.get(id);
    if (port) {
      arrived.delete(id);
      return Promise.resolve(port);
    }
    return new Promise((resolve) => waiting.set(id, resolve));
  };

  return {
    open: async (request: CaptureRequest): Promise<CapturedTrack> => {
      if (!canGenerateTracks()) throw new Error(t('addSource.notInThisVersion'));
      const id = await api.open(request);
      const track = new FfmpegTrack(await portFor(id), request.media);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(t('addSource.nothingCame', { seconds: FIRST_FRAME_MS / 1000 }))), FIRST_FRAME_MS);
      });
      try {
        await Promise.race([track.ready, timeout]);
      } catch (error) {
        track.stop();
        throw error;
      } finally {
        clearTimeout(timer);
      }
      return track;
    },
    sources: () => api.sources(),
    addSource: (request) => api.addSource(request),
    removeSource: (id) => api.removeSource(id),
    chooseFile: () => api.chooseFile(),
  };
}

/** What every FFmpeg track of this page measured (for `window.roundtableCapture`). */
export function captureStats(): CaptureTrackStats[] {
  return [...openFfmpegTracks].map((track) => track.stats());
}
