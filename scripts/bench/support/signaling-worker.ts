/**
 * A client process of bench:signaling: holds thousands of Socket.IO connections and does what
 * the orchestrator asks over the IPC channel (support/signaling-messages.ts). Exits when the
 * orchestrator goes away.
 */
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../../signaling-server/src/protocol/index';
import { Histogram } from './histogram';
import type { CommandName, Commands, Hello, Request, Response, Results } from './signaling-messages';

type Reply = { ok: boolean; error?: { code: string }; self?: { id: string } };
/** An acknowledgement without a timer of its own (drive() waits for the unanswered ones, boundedly). */
type Ack = (reply: Reply) => void;

let sockets: Socket[] = [];
let ids: Array<string | undefined> = [];
/** The server each socket is (or was) connected to. */
let urls: string[] = [];
/** Why sockets closed, by server URL. */
let closed: Record<string, Record<string, number>> = {};
/** Every join gets a secret of its own (so a participant id of its own), across commands. */
let serial = 0;
/** Every relayed signal has a number of its own: it is in the candidate string. */
let signalSeq = 0;

const bump = (counts: Record<string, number>, key: string): void => void (counts[key] = (counts[key] ?? 0) + 1);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` over `items`, at most `concurrency` at once; after `deadline` (performance.now()) the rest get `late` instead. */
async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>, deadline = Infinity, late?: (item: T) => void): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        if (performance.now() > deadline) late?.(item);
        else await fn(item);
      }
    }),
  );
}

const OPEN_TIMEOUT_MS = 20_000;

/** A connection, or an error within OPEN_TIMEOUT_MS (the client's own timeout covers the handshake, not the server's answer to it). */
function open(url: string, address: string): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: OPEN_TIMEOUT_MS,
    extraHeaders: { 'x-forwarded-for': address },
  });
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('timeout')), OPEN_TIMEOUT_MS + 1000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', fail);
  });
}

function ask(socket: Socket, event: string, payload: unknown, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, payload, (error: Error | null, reply: Reply) => resolve(error ? { ok: false, error: { code: 'timeout' } } : reply));
  });
}

/** Per-sender pacing: a token bucket (the server's limit is per connection) and a cap on unanswered requests. */
interface Sender {
  socket: Socket;
  tokens: number;
  inflight: number;
  send(done: () => void): void;
}

const paced = (socket: Socket, send: Sender['send']): Sender => ({ socket, tokens: 0, inflight: 0, send });

/** Drives `senders` until `until`, every few ms; resolves once nothing is unanswered (or 10 s later). */
async function drive(senders: Sender[], perSecond: number, window: number, until: number): Promise<number> {
  const burst = Math.max(1, Math.floor(perSecond / 10));
  let last = performance.now();
  // Each sender starts at a random point of its period: paced senders (a few requests a second each) would otherwise all send on the same tick.
  for (const sender of senders) sender.tokens = Math.random();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now >= until) {
        clearInterval(timer);
        resolve();
        return;
      }
      const earned = ((now - last) / 1000) * perSecond;
      last = now;
      for (const sender of senders) {
        sender.tokens += earned;
        while (sender.tokens >= 1 && sender.inflight < window && sender.socket.connected) {
          sender.tokens -= 1;
          sender.inflight += 1;
          sender.send(() => (sender.inflight -= 1));
        }
        // Capped after sending, so a slow sender keeps the fraction it earned past its last token.
        sender.tokens = Math.min(burst, sender.tokens);
      }
    }, 5);
  });
  const drained = performance.now() + 10_000;
  const unanswered = (): number => senders.reduce((sum, sender) => sum + sender.inflight, 0);
  while (unanswered() > 0 && performance.now() < drained) await sleep(50);
  return unanswered();
}

const handlers: { [K in CommandName]: (args: Commands[K]) => Promise<Results[K]> } = {
  async connect({ targets, concurrency, deadlineMs }) {
    const deadline = performance.now() + deadlineMs;
    const firstIndex = sockets.length;
    const opened: Array<Socket | undefined> = new Array<Socket | undefined>(targets.length);
    const failed: Record<string, number> = {};
    await pool(
      targets.map((target, i) => ({ ...target, i })),
      concurrency,
      async ({ url, address, i }) => {
        // One more try after a failure (a busy machine can miss a handshake); both failures are counted.
        for (let attempt = 0; attempt < 2 && !opened[i] && performance.now() < deadline; attempt += 1) {
          try {
            const socket = await open(url, address);
            socket.on('disconnect', (reason: string) => bump((closed[url] ??= {}), reason));
            opened[i] = socket;
          } catch (error) {
            bump(failed, (error as Error).message);
          }
        }
      },
      deadline,
      () => bump(failed, 'deadline'),
    );
    // Failed ones keep their place (a closed socket), so the orchestrator's numbering holds.
    targets.forEach(({ url }, i) => {
      sockets.push(opened[i] ?? io('http://127.0.0.1:9', { autoConnect: false }));
      ids.push(undefined);
      urls.push(url);
    });
    return { connected: opened.filter(Boolean).length, failed, firstIndex };
  },

  async join({ meetings, concurrency, deadlineMs }) {
    const deadline = performance.now() + deadlineMs;
    const failed: Record<string, number> = {};
    const joined: Array<[number, string]> = [];
    const joinOne = async (index: number, room: string, create: boolean): Promise<void> => {
      const socket = sockets[index];
      if (!socket?.connected) return bump(failed, 'not-connected');
      serial += 1;
      const me = `${process.pid}x${serial}`;
      const reply = await ask(
        socket,
        'join',
        {
          protocol: PROTOCOL_VERSION,
          room,
          name: `Bench ${me}`,
          secret: `bench-${me}-${'s'.repeat(24)}`,
          session: `session-${me}`,
          media: { audio: true, video: true },
          ...(create ? { create: {} } : {}),
        },
        60_000,
      );
      if (reply.ok && reply.self) {
        ids[index] = reply.self.id;
        joined.push([index, reply.self.id]);
      } else bump(failed, reply.ok ? 'waiting' : (reply.error?.code ?? 'unknown'));
    };
    await pool(
      meetings,
      concurrency,
      (meeting) => joinOne(meeting.members[0]!, meeting.room, true),
      deadline,
      () => bump(failed, 'deadline'),
    );
    const guests = meetings.flatMap((meeting) => meeting.members.slice(1).map((member) => ({ member, room: meeting.room })));
    await pool(
      guests,
      concurrency,
      ({ member, room }) => joinOne(member, room, false),
      deadline,
      () => bump(failed, 'deadline'),
    );
    return { joined: joined.length, failed, ids: joined };
  },

  async load({ event, payload, senders: numbers, perSecond, window, warmupMs, measureMs }) {
    const latency = new Histogram();
    const refused: Record<string, number> = {};
    const from = performance.now() + warmupMs;
    const to = from + measureMs;
    let acked = 0;
    const senders = numbers.map((index): Sender => {
      const socket = sockets[index]!;
      return paced(socket, (done) => {
        const sent = performance.now();
        socket.emit(event, payload, ((reply) => {
          done();
          const at = performance.now();
          if (!reply.ok) return bump(refused, reply.error?.code ?? 'unknown');
          if (at >= from && at <= to) {
            acked += 1;
            latency.add(at - sent);
          }
        }) satisfies Ack);
      });
    });
    const unanswered = await drive(senders, perSecond, window, to);
    return { acked, measuredMs: measureMs, refused, latency: latency.toJSON(), unanswered };
  },

  async relay({ pairs: asked, perSecond, window, warmupMs, measureMs }) {
    // Only pairs both of whom are in their meeting and still connected (a failed join leaves no one to signal).
    const pairs = asked.filter((pair) => pair.every((index) => ids[index] !== undefined && sockets[index]?.connected));
    const directions = [0, 1].map(() => ({ received: 0, latency: new Histogram() }));
    const ackLatency = new Histogram();
    const refused: Record<string, number> = {};
    /** Signal number -> when it was sent, which way it goes, and what frees its sender's window. */
    const sentAt = new Map<number, { at: number; direction: number; done: () => void }>();
    const from = performance.now() + warmupMs;
    const to = from + measureMs;
    let sent = 0;
    const onSignal = (message: { kind: string; candidate?: { candidate: string } | null }): void => {
      const text = message.candidate?.candidate;
      if (message.kind !== 'candidate' || !text?.startsWith('candidate:')) return;
      const seq = Number(text.slice('candidate:'.length, text.indexOf(' ')));
      const started = sentAt.get(seq);
      if (started === undefined) return;
      sentAt.delete(seq);
      started.done();
      const at = performance.now();
      if (at >= from && at <= to) {
        const direction = directions[started.direction]!;
        direction.received += 1;
        direction.latency.add(at - started.at);
      }
    };
    const ends = [...new Set(pairs.flat())].map((index) => sockets[index]!);
    for (const socket of ends) socket.on('signal', onSignal);
    // A sender's window closes on delivery, not on the acknowledgement: the relay is paced by what arrives.
    const sender = (index: number, other: number, direction: number): Sender => {
      const socket = sockets[index]!;
      const target = ids[other]!;
      return paced(socket, (done) => {
        signalSeq += 1;
        const seq = signalSeq;
        const candidate = `candidate:${seq} 1 udp 2122260223 192.168.${seq % 250}.${index % 250} ${40000 + (seq % 20000)} typ host generation 0 ufrag bnch network-id 1`;
        const started = performance.now();
        sentAt.set(seq, { at: started, direction, done });
        sent += 1;
        socket.emit('signal', { to: target, kind: 'candidate', candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 } }, ((reply) => {
          if (!reply.ok) {
            if (sentAt.delete(seq)) done();
            return bump(refused, reply.error?.code ?? 'unknown');
          }
          const at = performance.now();
          if (at >= from && at <= to) ackLatency.add(at - started);
        }) satisfies Ack);
      });
    };
    const senders = pairs.flatMap(([a, b]) => [sender(a, b, 0), sender(b, a, 1)]);
    // drive() waits (boundedly) for what is still on its way.
    const lost = await drive(senders, perSecond, window, to);
    for (const socket of ends) socket.off('signal', onSignal);
    return {
      pairs: pairs.length,
      directions: directions.map(({ received, latency }) => ({ received, latency: latency.toJSON() })),
      measuredMs: measureMs,
      sent,
      refused,
      lost,
      ackLatency: ackLatency.toJSON(),
    };
  },

  async check({ pairs, timeoutMs }) {
    let received = 0;
    await Promise.all(
      pairs.map(async ([a, b]) => {
        const sender = sockets[a];
        const receiver = sockets[b];
        const to = ids[b];
        if (!sender?.connected || !receiver?.connected || !to) return;
        const arrived = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), timeoutMs);
          receiver.once('signal', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        const reply = await ask(sender, 'signal', { to, kind: 'view', view: { width: 640, height: 360 } }, timeoutMs);
        if (reply.ok && (await arrived)) received += 1;
      }),
    );
    return { sent: pairs.length, received };
  },

  async status() {
    const open: Record<string, number> = {};
    sockets.forEach((socket, i) => {
      if (socket.connected) bump(open, urls[i]!);
    });
    return { open, closed, rssBytes: process.memoryUsage().rss };
  },

  async close() {
    const count = sockets.length;
    for (const socket of sockets) {
      socket.removeAllListeners('disconnect');
      socket.disconnect();
    }
    sockets = [];
    ids = [];
    urls = [];
    closed = {};
    return { closed: count };
  },
};

process.on('message', (request: Request) => {
  const handle = handlers[request.name] as (args: Commands[CommandName]) => Promise<Results[CommandName]>;
  void handle(request.args).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies Response),
    (error: unknown) => process.send?.({ id: request.id, ok: false, error: String(error) } satisfies Response),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true } satisfies Hello);
