import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface ServerNode {
  name: string;
  url: string;
  port: number;
  process: ChildProcess;
  /** Stops it (SIGKILL: as a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** One node of a cluster: the server command as an operator runs it, on loopback. */
export async function startNode(name: string, env: Record<string, string>, port = 0, extraArgs: string[] = []): Promise<ServerNode> {
  // Every node would start an SFU process of its own: only the tests that use one ask for it.
  const sfu = extraArgs.includes('--sfu-from') ? [] : ['--sfu-from', 'off'];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--host', '127.0.0.1', '--port', String(port), '--http', '--node-name', name, ...sfu, ...extraArgs],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  // A node asked for an SFU takes meetings before its SFU is ready, and they start as a mesh: a
  // test of meetings on the SFU waits for it (on a busy machine its process takes seconds to start).
  const sfuFrom = extraArgs[extraArgs.indexOf('--sfu-from') + 1];
  const waitsForSfu = extraArgs.includes('--sfu-from') && sfuFrom !== 'off';
  const actual = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`node ${name} did not start within 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`node ${name} exited with ${code}`)));
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
    name,
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    process: child,
    stop: async (signal = 'SIGKILL') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
