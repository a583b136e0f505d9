import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { closeClients, connectClient, joinRequest, request } from './harness.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const running = new Set<ChildProcess>();
afterEach(() => {
  closeClients();
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  return child;
}

function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening on [^\s]+:(\d+)/.exec(output)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

const connects = (url: string, origin: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin } });
    socket.once('connect', () => {
      socket.disconnect();
      resolve(true);
    });
    socket.once('connect_error', () => resolve(false));
  });

describe('the limits on the command line', { timeout: 60_000 }, () => {
  it('takes the origin allowlist and the room size from flags or the environment', async () => {
    const url = await listening(run(['--allowed-origins', 'https://meet.example.org'], { ROUNDTABLE_MAX_ROOM_SIZE: '1' }));
    expect(await connects(url, 'https://meet.example.org')).toBe(true);
    expect(await connects(url, 'app://roundtable')).toBe(true);
    expect(await connects(url, 'https://evil.example')).toBe(false);
    const ada = await connectClient(url);
    expect((await request(ada, 'join', joinRequest({ name: 'Ada' }))).ok).toBe(true);
    const bob = await connectClient(url);
    expect(await request(bob, 'join', joinRequest({ name: 'Bob' }))).toMatchObject({ ok: false, error: { code: 'room-full' } });
  });

  it('allows only the desktop app and its own pages by default', async () => {
    const url = await listening(run(['--public-url', 'https://meet.example.org/']));
    expect(await connects(url, 'https://meet.example.org')).toBe(true);
    expect(await connects(url, 'app://roundtable')).toBe(true);
    expect(await connects(url, url)).toBe(true);
    expect(await connects(url, 'https://evil.example')).toBe(false);
  });

  it('refuses malformed limits with a clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--allowed-origins', 'evil.example'], /--allowed-origins: "evil.example" is not an origin/],
      [['--max-room-size', '0'], /--max-room-size must be a whole number of at least 1, got "0"/],
      [['--max-events-per-second', 'lots'], /--max-events-per-second must be a whole number/],
      [['--max-bytes-per-second', '1.5'], /--max-bytes-per-second must be a whole number/],
    ];
    const results = await Promise.all(cases.map(([args]) => exited(run(args))));
    results.forEach(({ code, stderr }, i) => {
      expect(code).toBe(2);
      expect(stderr).toMatch(cases[i]![1]);
    });
  });
});
