/**
 * The desktop app's main process, as far as recording goes, in a process of its own so that a
 * test can kill it (SIGKILL, like a crash) in the middle of a recording. Run by
 * capture-recording.ts: `node --import tsx capture-recording-main.ts DATA_DIR VIDEOS_DIR`.
 * Requests arrive as JSON lines on stdin ({ n, channel, args }; chunks in base64), answers and
 * job events leave as JSON lines on stdout.
 */
import { createInterface } from 'node:readline';
import { locateFfmpeg } from '../../../src/main/services/ffmpeg/locate';
import { createRecordingHandlers } from '../../../src/main/services/recording/recording-handlers';
import { RecordingService } from '../../../src/main/services/recording/recording-service';

const [dataDir, videosDir] = process.argv.slice(2) as [string, string];
const service = new RecordingService({ dataDir, outputDir: () => videosDir, locate: () => locateFfmpeg() });
const handlers = createRecordingHandlers(service, () => undefined) as Record<string, (...args: unknown[]) => unknown>;
const send = (message: unknown): void => void process.stdout.write(`${JSON.stringify(message)}\n`);
service.onJob((job) => send({ event: 'recording:job', payload: job }));

createInterface({ input: process.stdin }).on('line', (line) => {
  const { n, channel, args } = JSON.parse(line) as { n: number; channel: string; args: unknown[] };
  const input = channel === 'recording:append' ? [args[0], Buffer.from(String(args[1]), 'base64'), args[2]] : args;
  Promise.resolve()
    .then(() => handlers[channel]!(...input))
    .then(
      (result) => send({ n, result }),
      (error: unknown) => send({ n, error: error instanceof Error ? error.message : String(error) }),
    );
});
send({ ready: true });
