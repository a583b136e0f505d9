import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Real PostgreSQL and Redis servers from Debian's packages, started by the tests that need them on
 * loopback, in a temporary folder, and stopped (folder removed) by them.
 */
export interface RunningService {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const asRoot = process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user the package made. */
function command(program: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  if (!version) throw new Error('PostgreSQL is not installed: run `npm run setup:test` (apt-get install postgresql)');
  return join(root, version, 'bin');
}

async function until<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stopper(child: ChildProcess, dir: string, signal: NodeJS.Signals): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // The whole group when it has one (started detached), else the process itself.
      try {
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** A fresh PostgreSQL with one database; `url` connects to it. */
export async function startPostgres(): Promise<RunningService> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'rt-postgres-'));
  if (asRoot) {
    const { uid, gid } = { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const [init, initArgs] = command(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'roundtable', '--no-sync', '-E', 'UTF8']);
  execFileSync(init, initArgs, { stdio: 'ignore' });
  const port = await freePort();
  const [program, args] = command(join(bin, 'postgres'), [
    '-D',
    data,
    '-k',
    dir,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-c',
    'fsync=off',
    '-c',
    'max_connections=200',
  ]);
  // In a process group of its own, so stopping it reaches postgres through runuser.
  const child = spawn(program, args, { stdio: 'ignore', detached: true });
  const admin = `postgres://roundtable@127.0.0.1:${port}/postgres`;
  await until(
    async () => {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query('CREATE DATABASE roundtable');
      await client.end();
      return true;
    },
    20_000,
    'PostgreSQL',
  );
  return { url: `postgres://roundtable@127.0.0.1:${port}/roundtable`, port, process: child, stop: stopper(child, dir, 'SIGINT') };
}

/** A fresh Redis, nothing saved to disk. */
export async function startRedis(port?: number): Promise<RunningService> {
  const dir = mkdtempSync(join(tmpdir(), 'rt-redis-'));
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await until(() => ping(port), 10_000, 'Redis');
  return { url: `redis://127.0.0.1:${port}`, port, process: child, stop: stopper(child, dir, 'SIGTERM') };
}

/** True once a Redis on `port` answers PING. */
function ping(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    socket.once('error', () => resolve(undefined));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG') ? true : undefined);
    });
  });
}
