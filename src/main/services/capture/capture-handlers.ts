import { z } from 'zod';
import { SourceIdSchema, type AddedSource, type AddSourceRequest } from '@shared/ipc/capture';
import type { AddedSources } from './sources';

/** The request/response side of capture, as the shell registers it; every argument from a renderer is checked here. */
export interface CaptureHandlers {
  'capture:sources': () => AddedSource[];
  'capture:add-source': (request: AddSourceRequest) => Promise<AddedSource>;
  'capture:remove-source': (id: string) => Promise<AddedSource[]>;
  'capture:choose-file': () => Promise<string | null>;
}

export function createCaptureHandlers(sources: AddedSources, chooseFile: () => Promise<string | null>): CaptureHandlers {
  return {
    'capture:sources': () => sources.list(),
    // AddedSources.add validates the request itself (it is also the place a test reaches).
    'capture:add-source': (request: unknown) => sources.add(request),
    'capture:remove-source': (id: unknown) => {
      const parsed = SourceIdSchema.safeParse(id);
      if (!parsed.success) throw new Error(`capture:remove-source: ${z.prettifyError(parsed.error)}`);
      return sources.remove(parsed.data);
    },
    'capture:choose-file': () => chooseFile(),
  };
}
