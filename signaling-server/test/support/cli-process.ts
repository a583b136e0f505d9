import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The server command from source (signaling-server's bin), as an operator runs it. */
const SERVER_CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface CliProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** Stops it with `signal` and waits for it to exit (at once if it already has). */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export interface CliOptions {
  /** Another checkout's cli.ts, for A/B benchmarks. */
  cli?: string;
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * Starts the server command on loopback in a child process and resolves once it listens, with the
 * port it printed. Asked for an SFU (`--sfu-from`, not `off`), it also waits for the SFU: a server
 * takes meetings before its SFU process is ready, and they start as a mesh (on a busy machine that
 * process takes seconds to start). A start that fails says what the server printed.
 */
export async function startCli(label: string, args: readonly string[], options: CliOptions = {}): Promise<CliProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', options.cli ?? SERVER_CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sfuFrom = args.lastIndexOf('--sfu-from');
  const waitsForSfu = sfuFrom >= 0 && args[sfuFrom + 1] !== 'off';
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // not left running behind the failed test
      reject(new Error(`${label} did not start within 30 s; it printed: ${output}`));
    }, 30_000);
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}; it printed: ${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on [^\s]+:(\d+)/.exec(output);
      if (match && (!waitsForSfu || output.includes('go through the SFU'))) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    stop: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
