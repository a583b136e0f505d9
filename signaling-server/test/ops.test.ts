import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../src/protocol/index.js';
import { startNode, type ServerNode } from './support/nodes.js';
import { startPostgres, startRedis, type RunningService } from './support/services.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
let postgres: RunningService;
let server: ChildProcess | undefined;
let base = '';

beforeAll(async () => {
  postgres = await startPostgres();
  server = spawn(process.execPath, ['--import', 'tsx', CLI, '--host', '127.0.0.1', '--port', '0', '--http', '--metrics', '--node-name', 'node-a'], {
    env: { ...process.env, ROUNDTABLE_DATABASE_URL: postgres.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    server!.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    server!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on [^\s]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
  });
  base = `http://127.0.0.1:${port}`;
}, 60_000);
afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await postgres?.stop();
});

const get = async (path: string): Promise<{ status: number; body: string }> => {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: await response.text() };
};

describe("the operator's endpoints (a server on PostgreSQL)", () => {
  it('answers /healthz and /readyz, and counts requests and chat writes in /metrics, labelled with the node', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok' });
    await expect.poll(async () => (await get('/readyz')).status).toBe(200);

    const socket = connect(base, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const join = await socket.emitWithAck('join', {
      protocol: PROTOCOL_VERSION,
      room: 'metrics-room',
      name: 'Ada',
      secret: `ops-secret-${'x'.repeat(24)}`,
      session: 'ops-session-1',
      media: { audio: true, video: false },
      create: {},
    });
    expect(join).toMatchObject({ ok: true });
    expect(await socket.emitWithAck('chat-send', { id: 'ops-message-1', text: 'stored in PostgreSQL' })).toMatchObject({ ok: true });
    expect(await socket.emitWithAck('chat-send', { id: 'x', text: 'bad id' })).toMatchObject({ ok: false });

    const metrics = (await get('/metrics')).body;
    expect(metrics).toMatch(/roundtable_requests_total\{event="join",outcome="ok",node="node-a"\} 1/);
    expect(metrics).toMatch(/roundtable_chat_writes_total\{node="node-a"\} 1/);
    expect(metrics).toMatch(/roundtable_refusals_total\{code="invalid-payload",node="node-a"\} 1/);
    expect(metrics).toMatch(/roundtable_meetings\{node="node-a"\} 1/);
    expect(metrics).toMatch(/roundtable_store_seconds_count\{node="node-a",op="appendChat"\} 1/);
    // Counts only: no meeting code, name or text is a label.
    expect(metrics).not.toContain('metrics-room');
    expect(metrics).not.toContain('Ada');
    socket.disconnect();
  });

  it('is not ready while its database is down', async () => {
    await postgres.stop();
    await expect.poll(async () => (await get('/readyz')).status, { timeout: 10_000 }).toBe(503);
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe("the operator's endpoints (a node of a cluster)", () => {
  let redis: RunningService;
  let store: RunningService;
  let node: ServerNode;
  beforeAll(async () => {
    [redis, store] = await Promise.all([startRedis(), startPostgres()]);
    node = await startNode('node-r', { ROUNDTABLE_REDIS_URL: redis.url, ROUNDTABLE_DATABASE_URL: store.url });
  }, 60_000);
  afterAll(async () => {
    await node?.stop('SIGTERM');
    await Promise.all([redis?.stop(), store?.stop()]);
  });
  const probe = async (path: string): Promise<number> => (await fetch(`${node.url}${path}`)).status;

  it('is not ready while it has lost Redis, and ready again once Redis is back', async () => {
    await expect.poll(() => probe('/readyz')).toBe(200);
    const port = redis.port;
    await redis.stop();
    await expect.poll(() => probe('/readyz'), { timeout: 10_000 }).toBe(503);
    expect(await probe('/healthz')).toBe(200);
    redis = await startRedis(port);
    await expect.poll(() => probe('/readyz'), { timeout: 10_000 }).toBe(200);
  });
});
