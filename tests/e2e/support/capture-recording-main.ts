/**
 * The desktop app's main process, as far as recording goes, in a process of its own so that a
 * test can kill it (SIGKILL, like a crash) in the middle of a recording. Run by
 * capture-recording.ts: `node --import tsx capture-recording-main.ts DATA_DIR VIDEOS_DIR`.
 * Requests arrive as JSON lines on stdin ({ n, channel, args }; chunks in base64) and go through
 * the shell's generic channel path (validation, handler, envelope); the envelopes and job events
 * leave as JSON lines on stdout.
 */
import { createInterface } from 'node:readline';
import { RECORDING_CHANNELS } from '../../../src/shared/ipc/recording';
import { channelRunners, unavailable } from '../../../src/main/ipc/dispatch';
import { locateFfmpeg } from '../../../src/main/services/ffmpeg/locate';
import { createRecordingHandlers } from '../../../src/main/services/recording/recording-handlers';
import { RecordingService } from '../../../src/main/services/recording/recording-service';

const [dataDir, videosDir] = process.argv.slice(2) as [string, string];
const service = new RecordingService({ dataDir, outputDir: () => videosDir, locate: () => locateFfmpeg() });
const runners = channelRunners(
  { recording: RECORDING_CHANNELS },
  createRecordingHandlers(service, () => undefined),
);
const send = (message: unknown): void => void process.stdout.write(`${JSON.stringify(message)}\n`);
service.onJob((job) => send({ event: 'recording:job', payload: job }));

createInterface({ input: process.stdin }).on('line', (line) => {
  const { n, channel, args } = JSON.parse(line) as { n: number; channel: string; args: unknown[] };
  // The page sent the chunk in base64 (see capture-desktop.ts): bytes again, as Electron's IPC would carry them.
  const input = channel === 'recording:append' && typeof args[1] === 'string' ? [args[0], Buffer.from(args[1], 'base64'), args[2]] : args;
  const run = runners.get(channel);
  void (run ? run(input) : Promise.resolve(unavailable(channel))).then((result) => send({ n, result }));
});
send({ ready: true });
