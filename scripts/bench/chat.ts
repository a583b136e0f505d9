/**
 * npm run bench:chat — how much chat the server stores, and whether a chat flood slows anyone else.
 *
 * The real server command in a child process of its own (SQLite in a fresh data folder), clients
 * in this one. Three measurements, in one run:
 * - `reference`: the round trip of a request to a bare Socket.IO server on this machine (the floor);
 * - `idle` / `flooded`: the round trip of a request in another meeting (a `media` update, answered
 *   from memory, and a `chat-history` page, answered from the store) with nobody chatting, then
 *   while FLOODERS people in four meetings each chat as fast as the server allows (a burst of 30,
 *   then 5 a second);
 * - `storedPerSecond`: messages acknowledged (so stored) per second during a burst from every
 *   flooder, and `duringBurst`: the other meeting's round trip meanwhile.
 * `floodedToIdle` is the p50 ratio the issue asks to stay within 2. Prints one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, LIMITS } from '../../signaling-server/src/protocol/index';
import { startServerProcess } from '../../tests/e2e/support/server-process';
import { log, summary } from './support/stats';

const FLOODERS = Math.max(4, Number(process.env.BENCH_FLOODERS ?? 40));
const PROBE_MS = 50;
const PHASE_MS = 8000;

type Reply = { ok: boolean; error?: { code: string } };

async function client(url: string, address: string): Promise<Socket> {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'x-forwarded-for': address } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

const ask = (socket: Socket, event: string, payload: unknown): Promise<Reply> => socket.timeout(10_000).emitWithAck(event, payload) as Promise<Reply>;

let counter = 0;
async function member(url: string, room: string): Promise<Socket> {
  counter += 1;
  const socket = await client(url, `10.${Math.floor(counter / 250)}.${counter % 250}.1`);
  const reply = await ask(socket, 'join', {
    protocol: PROTOCOL_VERSION,
    room,
    name: `Person ${counter}`,
    secret: `bench-secret-${counter}-${'x'.repeat(24)}`,
    session: `bench-session-${counter}`,
    media: { audio: true, video: false },
    create: {},
  });
  if (!reply.ok) throw new Error(`join failed: ${JSON.stringify(reply.error)}`);
  return socket;
}

/** Round trips of `request` every PROBE_MS for `ms`. */
async function probe(request: () => Promise<unknown>, ms: number): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const started = performance.now();
    await request();
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
  }
  return times;
}

async function bareReference(): Promise<number[]> {
  const http = createServer();
  const io = new Server(http);
  io.on('connection', (socket) => socket.on('ping-me', (_payload: unknown, ack: (reply: Reply) => void) => ack({ ok: true })));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const socket = await client(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, '10.255.0.1');
  const times = await probe(() => ask(socket, 'ping-me', {}), 3000);
  socket.disconnect();
  await new Promise<void>((resolve) => void io.close(() => resolve()));
  return times;
}

async function main(): Promise<void> {
  const reference = await bareReference();
  // BENCH_SERVER_CLI: another checkout's signaling-server/src/cli.ts, to compare (A/B) in one run of this script.
  const cli = process.env.BENCH_SERVER_CLI || undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-bench-chat-'));
  const server = await startServerProcess(0, dataDir, cli ? { cli } : { extraArgs: ['--trust-proxy'] });
  const sockets: Socket[] = [];
  try {
    const prober = await member(server.url, 'quiet-meeting');
    sockets.push(prober);
    let toggle = false;
    const mediaProbe = () => ask(prober, 'media', { audio: (toggle = !toggle), video: false });
    const historyProbe = () => ask(prober, 'chat-history', { limit: 20 });
    await probe(mediaProbe, 1000); // warm up
    log('idle…');
    const idle = { media: await probe(mediaProbe, PHASE_MS / 2), history: await probe(historyProbe, PHASE_MS / 2) };

    log(`${FLOODERS} people joining four meetings…`);
    const flooders: Socket[] = [];
    for (let i = 0; i < FLOODERS; i += 1) flooders.push(await member(server.url, `busy-${i % 4}`));
    sockets.push(...flooders);

    // Every flooder's burst at once: how fast the server stores (and acknowledges) messages.
    let sent = 0;
    const burst = async (socket: Socket, count: number): Promise<number> => {
      let stored = 0;
      await Promise.all(
        Array.from({ length: count }, () => {
          sent += 1;
          return ask(socket, 'chat-send', { id: `burst-${String(sent).padStart(8, '0')}`, text: `message ${sent} ${'x'.repeat(80)}` }).then((reply) => {
            if (reply.ok) stored += 1;
          });
        }),
      );
      return stored;
    };
    const burstStarted = performance.now();
    let bursting = true;
    const duringBurst: number[] = [];
    const burstProbe = (async () => {
      while (bursting) {
        const started = performance.now();
        await mediaProbe();
        duringBurst.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const stored = (await Promise.all(flooders.map((socket) => burst(socket, LIMITS.chatBurst)))).reduce((a, b) => a + b, 0);
    const storedPerSecond = Math.round(stored / ((performance.now() - burstStarted) / 1000));
    bursting = false;
    await burstProbe;

    // Then each at the sustained pace, while the other meeting is measured.
    log('flooding…');
    let flooding = true;
    let refused = 0;
    const pace = flooders.map(async (socket) => {
      while (flooding) {
        sent += 1;
        const reply = await ask(socket, 'chat-send', { id: `pace-${String(sent).padStart(8, '0')}`, text: `message ${sent} ${'x'.repeat(80)}` });
        if (!reply.ok) refused += 1;
        await new Promise((resolve) => setTimeout(resolve, 1000 / LIMITS.chatPerSecond));
      }
    });
    const flooded = { media: await probe(mediaProbe, PHASE_MS / 2), history: await probe(historyProbe, PHASE_MS / 2) };
    flooding = false;
    await Promise.all(pace);

    const p50 = (values: number[]): number => summary(values).p50;
    process.stdout.write(
      `${JSON.stringify({
        server: cli ?? 'this checkout',
        flooders: FLOODERS,
        chatPerSecondEach: LIMITS.chatPerSecond,
        storedPerSecond,
        burstMessages: stored,
        sustainedRefused: refused,
        reference: summary(reference),
        idle: { media: summary(idle.media), history: summary(idle.history) },
        flooded: { media: summary(flooded.media), history: summary(flooded.history) },
        /** Another meeting's `media` round trip while every flooder's burst is being stored. */
        duringBurst: summary(duringBurst),
        floodedToIdle: {
          media: Math.round((p50(flooded.media) / p50(idle.media)) * 100) / 100,
          history: Math.round((p50(flooded.history) / p50(idle.history)) * 100) / 100,
        },
      })}\n`,
    );
  } finally {
    for (const socket of sockets) socket.disconnect();
    await server.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
