import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const OPEN_FILES = 65_536;

/**
 * `node --import tsx <args>` in a child process whose open-file limit is raised first (bash's
 * `ulimit -n`, then exec: the pid is node's), so it can hold tens of thousands of sockets: to
 * OPEN_FILES, or as far as the hard limit goes when raising that is not allowed (a container
 * without CAP_SYS_RESOURCE); `openFiles` says what it got.
 */
export function spawnRaised(args: readonly string[], stdio: StdioOptions, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const raise = `ulimit -n ${OPEN_FILES} 2>/dev/null || ulimit -n hard`;
  return spawn('bash', ['-c', `${raise}; exec "$@"`, 'bash', process.execPath, '--import', 'tsx', ...args], {
    cwd: PROJECT_ROOT,
    env,
    stdio,
  });
}

/** Resident memory of a process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** The open-file limit of a process (its soft limit). */
export function openFiles(pid: number): number {
  const match = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return match ? Number(match[1]) : Number.NaN;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; USER_HZ 100). */
export function cpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds the whole machine has been busy (all cores; Linux /proc/stat). */
export function machineBusySeconds(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const ticks = fields.map(Number);
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return (total - ticks[3]! - ticks[4]!) / 100; // minus idle and iowait
}

export interface ListeningProcess {
  name: string;
  url: string;
  pid: number;
  process: ChildProcess;
  /** Lines it wrote to stderr (warnings): how many, and the first few. */
  stderr: { lines: number; first: string[] };
  /** Lines it wrote to stdout after it was listening (a server's info log): how many, and the first few. */
  stdout: { lines: number; first: string[] };
  /** Lines of either matching `pattern`. */
  count(pattern: RegExp): number;
  /** SIGTERM (a normal stop), SIGKILL after 10 s; resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Starts a server process (`args` after `node --import tsx`) and resolves once it printed
 * "listening on <host>:<port>". Its stderr is counted and the first lines passed on to ours.
 */
export async function startListening(name: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ListeningProcess> {
  const child = spawnRaised(args, ['ignore', 'pipe', 'pipe'], env);
  const stderr = { lines: 0, first: [] as string[] };
  const errors: string[] = [];
  let partialError = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partialError + chunk.toString()).split('\n');
    partialError = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      stderr.lines += 1;
      if (errors.length < 100_000) errors.push(line);
      if (stderr.first.length < 10) {
        stderr.first.push(line.slice(0, 300));
        process.stderr.write(`[${name}] ${line}\n`);
      }
    }
  });
  const stdout = { lines: 0, first: [] as string[] };
  const seen: string[] = [];
  let listening = false;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const match = /listening on [^\s]+:(\d+)/.exec(line);
        if (!listening && match) {
          listening = true;
          clearTimeout(timer);
          resolve(Number(match[1]));
        } else if (listening) {
          stdout.lines += 1;
          if (stdout.first.length < 10) stdout.first.push(line.slice(0, 300));
          if (seen.length < 100_000) seen.push(line);
        }
      }
    });
  });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    process: child,
    stderr,
    stdout,
    count: (pattern) => seen.filter((line) => pattern.test(line)).length + errors.filter((line) => pattern.test(line)).length,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
