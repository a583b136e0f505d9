import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { closeClients, connectClient, joinRequest, record, request, settle, type Reply } from './harness.js';
import { startNode, type ServerNode } from './support/nodes.js';
import { startPostgres, startRedis, type RunningService } from './support/services.js';
import type { JoinRequest } from '../src/protocol/index.js';

/**
 * Chat through a kill -9 with messages genuinely in flight: each writer keeps several messages
 * unacknowledged at all times (as the app's outbox does), the node dies under them, their apps
 * reconnect to another node, join again as themselves and send again whatever was not
 * acknowledged. Every message reaches the others exactly once.
 */
let redis: RunningService;
let postgres: RunningService;
let nodes: ServerNode[] = [];
const env = (): Record<string, string> => ({ ROUNDTABLE_REDIS_URL: redis.url, ROUNDTABLE_DATABASE_URL: postgres.url });

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  nodes = await Promise.all(['node-1', 'node-2', 'node-3'].map((name) => startNode(name, env())));
}, 90_000);
afterAll(async () => {
  closeClients();
  await Promise.all(nodes.map((node) => node.stop('SIGTERM')));
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

/** Messages unacknowledged at once, per writer. */
const WINDOW = 5;

/**
 * A writer as the app's outbox works: messages in order, up to WINDOW unacknowledged; after a drop
 * it connects to the next address (the load balancer's choice), joins again and sends again every
 * message not acknowledged, in order. A message may thus reach the server twice: it is stored once.
 */
class Writer {
  readonly acked = new Set<string>();
  readonly refused: Reply[] = [];
  private readonly inFlight = new Set<string>();
  private socket: Socket | null = null;
  private limit: number;
  resent = 0;
  private sentOnce = new Set<string>();

  constructor(
    private readonly urls: string[],
    private readonly join: JoinRequest,
    readonly ids: string[],
    /** How many it may send before the test lets it go on (it stops, with messages in flight, until then). */
    firstLimit: number,
  ) {
    this.limit = firstLimit;
  }

  get unacknowledged(): number {
    return this.inFlight.size;
  }

  start(): void {
    const url = this.urls.shift();
    if (!url) return;
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    this.socket = socket;
    socket.on('connect', () => {
      void (socket.timeout(8000).emitWithAck('join', this.join) as Promise<Reply>).then(
        (reply) => {
          if (reply.ok) this.pump();
          else this.refused.push(reply);
        },
        () => undefined,
      );
    });
    socket.on('disconnect', () => {
      if (this.socket !== socket) return;
      // Whatever was not acknowledged goes again, from the next connection.
      this.inFlight.clear();
      this.socket = null;
      setTimeout(() => this.start(), 250);
    });
  }

  goOn(): void {
    this.limit = this.ids.length;
    this.pump();
  }

  private pump(): void {
    const socket = this.socket;
    if (!socket?.connected || this.waiting) return;
    for (const id of this.ids) {
      if (this.inFlight.size >= WINDOW) return;
      if (this.acked.has(id) || this.inFlight.has(id)) continue;
      if (this.ids.indexOf(id) >= this.limit) return;
      this.inFlight.add(id);
      if (this.sentOnce.has(id)) this.resent += 1;
      this.sentOnce.add(id);
      void (socket.timeout(8000).emitWithAck('chat-send', { id, text: `text of ${id}` }) as Promise<Reply>).then(
        (reply) => {
          if (this.socket !== socket) return;
          this.inFlight.delete(id);
          if (reply.ok) this.acked.add(id);
          // The server says try again (its meeting's node died as it asked it; the chat's rate): the outbox does, later.
          else if (reply.error?.code === 'busy' || reply.error?.code === 'rate-limited') return this.later(reply);
          else this.refused.push(reply);
          this.pump();
        },
        () => {
          // No answer in time: it goes again.
          if (this.socket !== socket) return;
          this.inFlight.delete(id);
          setTimeout(() => this.pump(), 300);
        },
      );
    }
  }

  private waiting = false;

  /** Pauses the writer for as long as the server asked (or a moment). */
  private later(reply: Reply): void {
    if (this.waiting) return;
    this.waiting = true;
    const ms = (reply.error as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 300;
    setTimeout(() => {
      this.waiting = false;
      this.pump();
    }, ms);
  }

  close(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.disconnect();
  }
}

const url = (n: number): string => nodes[n]!.url;

describe('chat in flight through a kill -9', () => {
  it("the writers' node dies with messages unacknowledged: 320 messages arrive exactly once, numbered without gaps", async () => {
    const ada = await connectClient(url(0));
    expect(await request(ada, 'join', joinRequest({ room: 'in-flight', name: 'Ada' }))).toMatchObject({ ok: true });
    const seen = record<{ id: string; seq: number }>(ada, 'chat-message');
    // Eight writers on node 2, forty messages each; at most twenty before the kill (the chat's burst is thirty a connection).
    const writers = Array.from(
      { length: 8 },
      (_, w) =>
        new Writer(
          [url(1), url(2)],
          joinRequest({ room: 'in-flight', name: `W${w}`, create: undefined }),
          Array.from({ length: 40 }, (_, i) => `flight-${w}-${String(i).padStart(4, '0')}`),
          20,
        ),
    );
    for (const writer of writers) writer.start();
    const acked = (): number => writers.reduce((sum, w) => sum + w.acked.size, 0);
    await expect.poll(acked, { timeout: 10_000, interval: 5 }).toBeGreaterThanOrEqual(60);
    for (const writer of writers) writer.goOn();
    const unacknowledged = writers.reduce((sum, w) => sum + w.unacknowledged, 0);
    await nodes[1]!.stop('SIGKILL');
    expect(unacknowledged, 'messages in flight when the node died').toBeGreaterThan(0);

    await expect.poll(acked, { timeout: 20_000 }).toBe(320);
    await settle(500);
    for (const writer of writers) writer.close();
    expect(writers.flatMap((w) => w.refused)).toEqual([]);
    expect(
      writers.reduce((sum, w) => sum + w.resent, 0),
      'messages sent again after the kill',
    ).toBeGreaterThan(0);
    const ids = seen.map((m) => m.id);
    expect(new Set(ids).size).toBe(320);
    expect(ids).toHaveLength(320);
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: 320 }, (_, i) => i + 1));
    nodes[1] = await startNode('node-2', env());
  });

  it("the meeting's own node dies with messages in flight to it: each is stored once, none is lost, and the app (keeping messages by id) shows each once", async () => {
    const host = await connectClient(url(0));
    expect(await request(host, 'join', joinRequest({ room: 'owner-gone', name: 'Ada' }))).toMatchObject({ ok: true });
    const rex = await connectClient(url(2));
    expect(await request(rex, 'join', joinRequest({ room: 'owner-gone', name: 'Rex', create: undefined }))).toMatchObject({ ok: true });
    const seen = record<{ id: string; seq: number }>(rex, 'chat-message');
    // Six writers on node 2 (the meeting runs on node 1), forty messages each.
    const writers = Array.from(
      { length: 6 },
      (_, w) =>
        new Writer(
          [url(1), url(2)],
          joinRequest({ room: 'owner-gone', name: `W${w}`, create: undefined }),
          Array.from({ length: 40 }, (_, i) => `owner-${w}-${String(i).padStart(4, '0')}`),
          20,
        ),
    );
    for (const writer of writers) writer.start();
    const acked = (): number => writers.reduce((sum, w) => sum + w.acked.size, 0);
    await expect.poll(acked, { timeout: 10_000, interval: 5 }).toBeGreaterThanOrEqual(50);
    for (const writer of writers) writer.goOn();
    const unacknowledged = writers.reduce((sum, w) => sum + w.unacknowledged, 0);
    await nodes[0]!.stop('SIGKILL');
    expect(unacknowledged, 'messages in flight when the node died').toBeGreaterThan(0);

    await expect.poll(acked, { timeout: 30_000 }).toBe(240);
    await settle(500);
    for (const writer of writers) writer.close();
    expect(writers.flatMap((w) => w.refused)).toEqual([]);
    // Each message is there, numbered without gaps. A message the dead node had stored may come a
    // second time (it may have died before posting it, so the node that took over posts it again
    // when it is sent again): the app keeps messages by id, so it shows once.
    const ids = new Set(seen.map((m) => m.id));
    expect(ids.size).toBe(240);
    expect([...new Set(seen.map((m) => m.seq))].sort((a, b) => a - b)).toEqual(Array.from({ length: 240 }, (_, i) => i + 1));
    const twice = seen.length - ids.size;
    expect(twice, 'messages posted a second time').toBeLessThanOrEqual(writers.reduce((sum, w) => sum + w.resent, 0) + unacknowledged);
    nodes[0] = await startNode('node-1', env());
  });
});
