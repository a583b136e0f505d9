import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RECORDING_CHANNELS, type RecordingJob } from '../../../src/shared/ipc/recording';
import { DesktopError, failed, type IpcResult } from '../../../src/shared/ipc/result';
import type { ChannelRunner } from '../../../src/main/ipc/dispatch';
import { PROJECT_ROOT } from './paths';

const MAIN = fileURLToPath(new URL('./capture-recording-main.ts', import.meta.url));

/** The recording side of the desktop app's main process, in a child process the test can kill. */
export interface RecordingMain {
  /** The recording channels, answered (envelopes) by the process that runs now. */
  runners: Map<string, ChannelRunner>;
  jobs: RecordingJob[];
  onJob(listener: (job: RecordingJob) => void): void;
  /** SIGKILL: as a crash or a killed app; nothing is flushed or finished. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function startRecordingMain(dataDir: string, videosDir: string): Promise<RecordingMain> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, dataDir, videosDir], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: `${PROJECT_ROOT}tests/tsconfig.json` },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = new Map<number, (result: IpcResult<unknown>) => void>();
  const listeners: Array<(job: RecordingJob) => void> = [];
  const jobs: RecordingJob[] = [];
  let next = 0;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the recording process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { ready?: boolean; n?: number; result?: IpcResult<unknown>; event?: string; payload?: RecordingJob };
      if (message.ready) return resolve();
      if (message.event && message.payload) {
        jobs.push(message.payload);
        for (const listener of listeners) listener(message.payload);
        return;
      }
      const answer = waiting.get(message.n!);
      waiting.delete(message.n!);
      answer?.(message.result!);
    });
  });
  await ready;
  const call =
    (channel: string): ChannelRunner =>
    (args) =>
      new Promise((resolve) => {
        const n = (next += 1);
        waiting.set(n, resolve);
        child.stdin!.write(`${JSON.stringify({ n, channel, args })}\n`);
      });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    runners: new Map(Object.values(RECORDING_CHANNELS).map(({ name }) => [name, call(name)])),
    jobs,
    onJob: (listener) => void listeners.push(listener),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      for (const answer of waiting.values()) answer(failed(new DesktopError('internal', 'the recording process was killed')));
      waiting.clear();
    },
    close: async () => {
      child.stdin!.end();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
