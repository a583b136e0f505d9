import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from './paths';

export interface ServerProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGKILL: no goodbye to anyone, nothing flushed. */
  kill(): Promise<void>;
}

const RUNNER = fileURLToPath(new URL('./run-server.ts', import.meta.url));

/** The real signaling server (with SQLite chat storage) in a child process of its own. */
export async function startServerProcess(port: number, chatDb: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, String(port), chatDb], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const actual = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server process did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    process: child,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
