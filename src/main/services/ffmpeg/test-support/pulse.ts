import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errorMessage } from '@shared/errors';

const run = promisify(execFile);

export interface PulseServer {
  /** Environment for clients (ffmpeg, pactl): PULSE_SERVER points at this server's own socket. */
  env: NodeJS.ProcessEnv;
  pactl(...args: string[]): Promise<string>;
  /** Adds a null sink; its monitor source appears as `<name>.monitor`. Returns the module index. */
  addNullSink(name: string, description?: string): Promise<string>;
  stop(): Promise<void>;
}

const started = new Set<PulseServer>();
process.once('exit', () => {
  for (const server of started) void server.stop();
});

/**
 * A private PulseAudio server for a test: its own runtime directory and socket, never exiting
 * while idle, with one null sink. Stop it in afterAll (it is also killed when the process exits).
 */
export async function startPulseServer(firstSink = 'rt_null'): Promise<PulseServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rt-pulse-'));
  const socket = join(dir, 'native');
  const env: NodeJS.ProcessEnv = { ...process.env, PULSE_SERVER: `unix:${socket}`, XDG_RUNTIME_DIR: dir, HOME: dir, PULSE_RUNTIME_PATH: dir };
  const child: ChildProcess = spawn(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--disallow-exit',
      '--use-pid-file=no',
      '--disable-shm=yes',
      '--log-target=stderr',
      `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      `--load=module-null-sink sink_name=${firstSink}`,
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const pactl = async (...args: string[]): Promise<string> => (await run('pactl', args, { env, timeout: 5_000 })).stdout.trim();
  const server: PulseServer = {
    env,
    pactl,
    addNullSink: (name, description) =>
      pactl('load-module', 'module-null-sink', `sink_name=${name}`, ...(description ? [`sink_properties=device.description=${description}`] : [])),
    stop: async () => {
      if (!started.delete(server)) return;
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  started.add(server);

  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await pactl('info');
      return server;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await server.stop();
        throw new Error(`PulseAudio did not start: ${errorMessage(error)}\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
