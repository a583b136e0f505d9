import type { CAPTURE_CHANNELS } from '@shared/ipc/capture';
import type { SectionHandlers } from '@shared/ipc/contract';
import type { AddedSources } from './sources';

/** The request/response side of capture, as the shell registers it (arguments validated before these run). */
export type CaptureHandlers = SectionHandlers<typeof CAPTURE_CHANNELS>;

export function createCaptureHandlers(sources: AddedSources, chooseFile: () => Promise<string | null>): CaptureHandlers {
  return {
    'capture:sources': () => sources.list(),
    'capture:add-source': (request) => sources.add(request),
    'capture:remove-source': (id) => sources.remove(id),
    'capture:choose-file': () => chooseFile(),
  };
}
