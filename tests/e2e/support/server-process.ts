import type { ChildProcess } from 'node:child_process';
import { startCli } from '../../../signaling-server/test/support/cli-process';
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

/**
 * The real server command (signaling-server's bin, from source) in a child process of its own,
 * plain HTTP on loopback, keeping its chat history in `dataDir`.
 */
export async function startServerProcess(
  port: number,
  dataDir: string,
  options: { extraArgs?: readonly string[]; /** another checkout's cli.ts, for A/B benchmarks */ cli?: string } = {},
): Promise<ServerProcess> {
  const server = await startCli(
    `the server process (port ${port})`,
    [
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
    { cli: options.cli, cwd: PROJECT_ROOT },
  );
  return { ...server, kill: () => server.stop('SIGKILL') };
}
