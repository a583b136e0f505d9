import { z } from 'zod';
import { ElapsedSchema, RecordingChunkSchema, RecordingIdSchema, RecordingStartSchema, type RecordingChannels, type RecordingJob } from '@shared/ipc/recording';
import type { RecordingService } from './recording-service';

type Handlers = {
  [C in keyof RecordingChannels]: (...args: RecordingChannels[C]['args']) => Promise<RecordingChannels[C]['result']> | RecordingChannels[C]['result'];
};

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * The recording channels as the shell registers them (and the end-to-end tests call them): every
 * argument from a renderer is checked here. `reveal` shows only a file this service saved.
 */
export function createRecordingHandlers(service: RecordingService, reveal: (path: string) => void): Handlers {
  return {
    'recording:start': (options: unknown) => service.start(parse(RecordingStartSchema, options, 'recording:start')),
    'recording:append': (id: unknown, chunk: unknown, elapsedMs: unknown) =>
      service.append(
        parse(RecordingIdSchema, id, 'recording:append id'),
        parse(RecordingChunkSchema, chunk, 'recording:append chunk'),
        parse(ElapsedSchema, elapsedMs, 'recording:append elapsedMs'),
      ),
    'recording:stop': (id: unknown, elapsedMs: unknown) =>
      service.stop(parse(RecordingIdSchema, id, 'recording:stop id'), parse(ElapsedSchema, elapsedMs, 'recording:stop elapsedMs')),
    'recording:reveal': (id: unknown) => {
      const job: RecordingJob | undefined = service.job(parse(RecordingIdSchema, id, 'recording:reveal id'));
      if (!job?.path) throw new Error('that recording has no saved file');
      reveal(job.path);
    },
    'recording:jobs': () => service.jobs(),
  };
}
