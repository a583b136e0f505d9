import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet, type Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createPinnedAgent, createSelfSignedCertificate, formatFingerprint, parseFingerprint } from '../src/tls/index.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const running = new Set<ChildProcess>();
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all([...running].map(stopCli));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-cli-'));
  dirs.push(dir);
  return dir;
}

/** The bin as a user runs it (from source through tsx), with a clean environment. */
function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

interface Started {
  child: ChildProcess;
  output: string;
  port: number;
  fingerprint: string | null;
}

function started(child: ChildProcess, until = /\n {2}open .*\n/): Promise<Started> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}${errors}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening on [^\s]+:(\d+)/.exec(output)?.[1];
      if (!port || !until.test(output)) return;
      clearTimeout(timer);
      const fp = /fingerprint ([0-9A-F:]{95})/.exec(output)?.[1];
      resolve({ child, output, port: Number(port), fingerprint: fp ? parseFingerprint(fp) : null });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}${errors}`));
    });
  });
}

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function stopCli(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function fetchText(url: string, agent?: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (res: IncomingMessage): void => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    };
    const request = url.startsWith('https:') ? httpsGet(url, { agent: agent ?? false }, done) : httpGet(url, done);
    request.once('error', reject);
  });
}

// Each test starts the bin (through tsx) once or more: on a busy two-core machine that takes a while.
describe('roundtable-server (the bin)', { timeout: 90_000 }, () => {
  it('explains its flags', async () => {
    const { code, stdout } = await finished(run(['--help']));
    expect(code).toBe(0);
    for (const flag of ['--host', '--port', '--web-root', '--tls-cert', '--tls-key', '--self-signed', '--http', '--public-url', '--data-dir'])
      expect(stdout).toContain(flag);
  });

  it('refuses contradictory or malformed settings with a clear message and exit code 2', async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--port', 'eighty'], {}, /--port must be 0-65535, got "eighty"/],
      [['--tls-cert', 'a.pem'], {}, /--tls-cert and --tls-key go together/],
      [['--public-url', 'ftp://x'], {}, /--public-url must be an http\(s\) address/],
      [['--bogus'], {}, /Unknown option '--bogus'/],
      [[], { PORT: '70000' }, /--port must be 0-65535, got "70000"/],
      [['--turn-urls', 'turn:turn.example.org:3478'], {}, /--turn-urls needs the shared secret/],
      [[], { ROUNDTABLE_TURN_SECRET: 'a-long-enough-secret' }, /a TURN secret was given without --turn-urls/],
      [
        ['--turn-urls', 'http://turn.example.org'],
        { ROUNDTABLE_TURN_SECRET: 'a-long-enough-secret' },
        /"http:\/\/turn.example.org" is not a turn: or turns: URL/,
      ],
      [['--stun-urls', 'stun:x.org:3478,turn:y.org'], {}, /"turn:y.org" is not a stun: or stuns: URL/],
      [['--turn-urls', 'turn:t.org'], { ROUNDTABLE_TURN_SECRET: 'short' }, /the TURN secret must be at least 16 characters/],
    ];
    const results = await Promise.all(cases.map(([args, env]) => finished(run(args, env))));
    results.forEach(({ code, stderr }, i) => {
      const [args, , message] = cases[i]!;
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    });
  });

  it('hands out the TURN relay named on the command line, with the secret from a file', async () => {
    const secretFile = join(await tempDir(), 'turn-secret');
    await writeFile(secretFile, 'a-long-enough-shared-secret\n');
    const server = await started(
      run(['--host', '127.0.0.1', '--port', '0', '--turn-urls', 'turn:turn.example.org:3478,turns:turn.example.org:5349', '--turn-secret-file', secretFile]),
      /TURN relay .*\n/,
    );
    expect(server.output).toContain('TURN relay turn:turn.example.org:3478, turns:turn.example.org:5349');
    expect(server.output).not.toContain('a-long-enough-shared-secret');
  });

  it('serves plain HTTP by default', async () => {
    const server = await started(run(['--host', '127.0.0.1', '--port', '0']));
    expect(server.output).toContain('(HTTP)');
    expect(server.output).toContain(`open http://127.0.0.1:${server.port}/`);
    expect(await fetchText(`http://127.0.0.1:${server.port}/healthz`)).toBe('ok');
  });

  it('with --self-signed serves HTTPS with a certificate made on first use and kept in --data-dir', async () => {
    const dataDir = await tempDir();
    const first = await started(run(['--host', '127.0.0.1', '--port', '0', '--self-signed', '--data-dir', dataDir]));
    expect(first.output).toContain(`self-signed certificate made now in ${join(dataDir, 'tls', 'certificate.pem')}`);
    expect(first.fingerprint).not.toBeNull();
    expect(first.output).toContain(`open https://127.0.0.1:${first.port}/?fp=${first.fingerprint}`);
    expect(first.output).toMatch(/--ignore-certificate-errors-spki-list=[A-Za-z0-9+/]{43}=/);
    expect(await fetchText(`https://127.0.0.1:${first.port}/healthz`, createPinnedAgent(first.fingerprint!))).toBe('ok');
    await stopCli(first.child);

    const again = await started(run(['--host', '127.0.0.1', '--port', '0', '--self-signed', '--data-dir', dataDir]));
    expect(again.output).toContain('self-signed certificate kept in');
    expect(again.fingerprint).toBe(first.fingerprint);
  });

  it('takes the same settings from the environment, and prints the public URL to share', async () => {
    const dataDir = await tempDir();
    const server = await started(
      run([], { HOST: '127.0.0.1', PORT: '0', ROUNDTABLE_SELF_SIGNED: '1', ROUNDTABLE_DATA_DIR: dataDir, ROUNDTABLE_PUBLIC_URL: 'https://meet.example.org/' }),
      /share .*\n/,
    );
    expect(server.output).toContain('HTTPS/WSS');
    expect(server.output).toContain('  share https://meet.example.org/');
    expect((await stat(join(dataDir, 'tls', 'private-key.pem'))).mode & 0o777).toBe(0o600);
  });

  it("serves the web client over HTTPS with the operator's own certificate files", async () => {
    const dir = await tempDir();
    const own = createSelfSignedCertificate({ commonName: 'meet.example.org', ipAddresses: ['127.0.0.1'] });
    await writeFile(join(dir, 'cert.pem'), own.cert);
    await writeFile(join(dir, 'key.pem'), own.key);
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Roundtable</title>');
    const server = await started(
      run(['--host', '127.0.0.1', '--port', '0', '--web-root', dir, '--self-signed', '--tls-cert', join(dir, 'cert.pem')], {
        ROUNDTABLE_TLS_KEY: join(dir, 'key.pem'),
      }),
    );
    expect(server.output).toContain(`HTTPS/WSS, certificate ${join(dir, 'cert.pem')}`);
    expect(server.fingerprint).toBe(own.fingerprint);
    expect(server.output).toContain(formatFingerprint(own.fingerprint));
    expect(await fetchText(`https://127.0.0.1:${server.port}/`, createPinnedAgent(own.fingerprint))).toContain('<title>Roundtable</title>');
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'cert.pem'), createSelfSignedCertificate({ commonName: 'a' }).cert);
    await writeFile(join(dir, 'key.pem'), createSelfSignedCertificate({ commonName: 'b' }).key);
    const { code, stderr } = await finished(run(['--port', '0', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]));
    expect(code).toBe(1);
    expect(stderr).toContain('is not the private key of');
  });
});
