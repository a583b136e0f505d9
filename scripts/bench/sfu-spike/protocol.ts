/**
 * What the spike's processes say to each other over their IPC channels (Node's `fork`), typed here
 * and validated (zod) where it is received. The bench relays signaling between the processes.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { z } from 'zod';

const id = z.number().int().nonnegative();
const layer = z.number().int().min(0).max(2);

// --- an SFU process ----------------------------------------------------------------------------

export const sfuCommand = z.discriminatedUnion('t', [
  /** The publisher's offer: the SFU answers with `publish-answer`. */
  z.object({ t: z.literal('publish'), sdp: z.string() }),
  /** A new subscriber to `layer`: the SFU offers with `subscribe-offer`. */
  z.object({ t: z.literal('subscribe'), id, layer }),
  z.object({ t: z.literal('subscribe-answer'), id, sdp: z.string() }),
  /** Forward another layer to a subscriber (from its next key frame). */
  z.object({ t: z.literal('switch'), id, layer }),
  /** Baseline only: make the stream in the SFU process itself instead of receiving it. */
  z.object({ t: z.literal('generate') }),
  z.object({ t: z.literal('stats') }),
  z.object({ t: z.literal('stop') }),
]);
export type SfuCommand = z.infer<typeof sfuCommand>;

const streamStats = z.object({ ssrc: z.number(), packets: z.number(), bytes: z.number() });
export const sfuStats = z.object({
  rtpIn: z.number(),
  rtpOut: z.number(),
  rtcpIn: z.number(),
  pliFromSubscribers: z.number(),
  keyframeRequestsUpstream: z.number(),
  /** Layer changes made at a key frame (first layer of a subscriber included). */
  switches: z.number(),
  /** Incoming video by rid (what a simulcast publisher actually sends). */
  streams: z.record(z.string(), streamStats),
  audio: z.object({ packets: z.number(), withLevel: z.number(), lastLevelDbov: z.number().nullable() }),
  /** Packets the stack delivered that the SFU could not place (unknown SSRC, other payload types). */
  unplaced: z.number(),
});
export type SfuStats = z.infer<typeof sfuStats>;

export const sfuEvent = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready'), version: z.string() }),
  z.object({ t: z.literal('publish-answer'), sdp: z.string() }),
  z.object({ t: z.literal('subscribe-offer'), id, sdp: z.string() }),
  z.object({ t: z.literal('stats'), stats: sfuStats }),
  z.object({ t: z.literal('error'), message: z.string() }),
]);
export type SfuEvent = z.infer<typeof sfuEvent>;

// --- the publisher process ---------------------------------------------------------------------

export const publisherCommand = z.discriminatedUnion('t', [
  z.object({ t: z.literal('offer') }),
  z.object({ t: z.literal('answer'), sdp: z.string() }),
  z.object({ t: z.literal('stats') }),
  z.object({ t: z.literal('stop') }),
]);
export type PublisherCommand = z.infer<typeof publisherCommand>;

export const publisherEvent = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready') }),
  z.object({ t: z.literal('offer'), sdp: z.string() }),
  /** When its connection came up (CLOCK_MONOTONIC, ms). */
  z.object({ t: z.literal('connected'), atMs: z.number() }),
  z.object({
    t: z.literal('stats'),
    packetsSent: z.number(),
    keyframes: z.number(),
    plis: z.number(),
    rembBps: z.number().nullable(),
    rtcpIn: z.number(),
    /** Ticks that started more than 5 ms late (the publisher itself was starved). */
    lateTicks: z.number(),
  }),
  z.object({ t: z.literal('error'), message: z.string() }),
]);
export type PublisherEvent = z.infer<typeof publisherEvent>;

// --- a subscribers process ---------------------------------------------------------------------

export const subscribersCommand = z.discriminatedUnion('t', [
  z.object({ t: z.literal('offer'), id, layer, sdp: z.string() }),
  /** Count packets and latencies from now on (`on`), or stop counting. */
  z.object({ t: z.literal('window'), on: z.boolean() }),
  z.object({ t: z.literal('report') }),
  z.object({ t: z.literal('stop') }),
]);
export type SubscribersCommand = z.infer<typeof subscribersCommand>;

export const subscriberReport = z.object({
  id,
  layer,
  received: z.number(),
  /** Packets the publisher sent on this layer between the first and last received in the window. */
  expected: z.number(),
  duplicates: z.number(),
  /** Packets whose SSRC was not the one the SFU's offer announced. */
  wrongSsrc: z.number(),
  /** Breaks in the outgoing sequence numbers (rewriting must keep them continuous). */
  seqJumps: z.number(),
  /** Publisher send -> subscriber receive, µs, every packet of the window. */
  latenciesUs: z.array(z.number()),
});
export type SubscriberReport = z.infer<typeof subscriberReport>;

export const subscribersEvent = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready') }),
  z.object({ t: z.literal('answer'), id, sdp: z.string() }),
  z.object({ t: z.literal('connected'), id, atMs: z.number() }),
  /** The connection failed (the bench tries again with a new one). */
  z.object({ t: z.literal('failed'), id }),
  z.object({ t: z.literal('first-media'), id, atMs: z.number() }),
  z.object({ t: z.literal('report'), subscribers: z.array(subscriberReport) }),
  z.object({ t: z.literal('error'), message: z.string() }),
]);
export type SubscribersEvent = z.infer<typeof subscribersEvent>;

// --- both ends of a channel --------------------------------------------------------------------

type Tagged = { t: string };

/** The bench's end of a child process: typed commands out, validated events in. */
export class ChildLink<Command extends Tagged, Event extends Tagged> {
  private readonly waiters = new Set<(event: Event) => boolean>();
  readonly errors: string[] = [];
  private exited = false;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    schema: z.ZodType<Event>,
  ) {
    process.on('message', (raw) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        this.errors.push(`${name}: malformed message ${JSON.stringify(raw).slice(0, 200)}`);
        return;
      }
      const event = parsed.data;
      if (event.t === 'error' && 'message' in event) this.errors.push(`${name}: ${String(event.message)}`);
      for (const waiter of [...this.waiters]) if (waiter(event)) this.waiters.delete(waiter);
    });
    process.once('exit', () => {
      this.exited = true;
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  send(command: Command): void {
    if (!this.exited && this.process.connected) this.process.send(command);
  }

  /** The next event of type `t` (that `match` accepts), or a rejection after `timeoutMs`. */
  next<T extends Event['t']>(t: T, timeoutMs: number, match: (event: Extract<Event, { t: T }>) => boolean = () => true): Promise<Extract<Event, { t: T }>> {
    const promise = new Promise<Extract<Event, { t: T }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.name}: no '${t}' within ${timeoutMs} ms${this.errors.length ? ` (${this.errors.join('; ')})` : ''}`));
      }, timeoutMs);
      const waiter = (event: Event): boolean => {
        if (event.t !== t || !match(event as Extract<Event, { t: T }>)) return false;
        clearTimeout(timer);
        resolve(event as Extract<Event, { t: T }>);
        return true;
      };
      this.waiters.add(waiter);
    });
    // Awaited later (or never, when an earlier step failed): its rejection is the awaiter's to see.
    promise.catch(() => undefined);
    return promise;
  }

  /** Asks it to stop, then kills it if it has not exited after `graceMs`. */
  async stop(stopCommand: Command, graceMs = 3000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.send(stopCommand);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

const children = new Set<ChildProcess>();
let cleanupInstalled = false;

/**
 * Forks a TypeScript helper of this folder (run by tsx) with an IPC channel, at niceness `nice`
 * when that is not 0 (all its threads: it starts under nice(1)); killed when the bench exits.
 */
export function forkHelper<Command extends Tagged, Event extends Tagged>(
  name: string,
  file: URL,
  schema: z.ZodType<Event>,
  options: { env?: Record<string, string>; nice?: number } = {},
): ChildLink<Command, Event> {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    const killAll = (): void => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    };
    process.once('exit', killAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        killAll();
        process.exit(130);
      });
  }
  const nice = options.nice ?? 0;
  const child = fork(file, [], {
    ...(nice !== 0 ? { execPath: 'nice', execArgv: ['-n', String(nice), process.execPath, '--import', 'tsx'] } : { execArgv: ['--import', 'tsx'] }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, ...options.env },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new ChildLink<Command, Event>(name, child, schema);
}

/** The helper's end: validated commands in, typed events out; it exits when the bench goes away. */
export function serve<Command extends Tagged, Event extends Tagged>(
  schema: z.ZodType<Command>,
  handle: (command: Command) => void | Promise<void>,
  errorEvent: (message: string) => Event,
): (event: Event) => void {
  const emit = (event: Event): void => {
    if (process.connected) process.send?.(event);
  };
  process.on('message', (raw) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      emit(errorEvent(`malformed command ${JSON.stringify(raw).slice(0, 200)}`));
      return;
    }
    Promise.resolve(handle(parsed.data)).catch((error: unknown) => {
      emit(errorEvent(error instanceof Error ? (error.stack ?? error.message) : String(error)));
    });
  });
  process.on('disconnect', () => process.exit(0));
  // A hard bound: no helper outlives a bench that lost track of it.
  setTimeout(() => process.exit(3), Number(process.env.SPIKE_HELPER_MAX_MS ?? 15 * 60_000)).unref();
  return emit;
}
