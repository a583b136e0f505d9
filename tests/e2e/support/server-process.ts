import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, WEB_ROOT } from './paths';

export interface ServerProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGKILL: no goodbye to anyone, nothing flushed. */
  kill(): Promise<void>;
  /** Stops it with `signal` (SIGTERM, SIGINT: a normal stop) and waits for it to exit. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

const CLI = fileURLToPath(new URL('../../../signaling-server/src/cli.ts', import.meta.url));

/**
 * The real server command (signaling-server's bin, from source) in a child process of its own,
 * plain HTTP on loopback, keeping its chat history in `dataDir`.
 */
export async function startServerProcess(
  port: number,
  dataDir: string,
  options: { extraArgs?: readonly string[]; /** another checkout's cli.ts, for A/B benchmarks */ cli?: string } = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      options.cli ?? CLI,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--http',
      '--web-root',
      WEB_ROOT,
      '--data-dir',
      dataDir,
      // No SFU process unless a test asks for one (its restarts are about signaling; an SFU
      // compiled from source on every start would slow them down). An older checkout's CLI has no such flag.
      ...(options.cli === undefined ? ['--sfu-from', 'off'] : []),
      ...(options.extraArgs ?? []),
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Asked for an SFU, it takes meetings before the SFU is ready, and they start as a mesh: wait for
  // it (on a busy machine its process takes seconds to start).
  const extra = options.extraArgs ?? [];
  const waitsForSfu = extra.includes('--sfu-from') && extra[extra.indexOf('--sfu-from') + 1] !== 'off';
  const actual = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the server process (port ${port}) did not start within 30 s; it printed: ${output}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code}; it printed: ${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on [^\s]+:(\d+)/.exec(output);
      if (match && (!waitsForSfu || output.includes('go through the SFU'))) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    process: child,
    kill: () => stop('SIGKILL'),
    stop,
  };
}
