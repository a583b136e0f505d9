import type { Buckets } from './histogram';

/**
 * What bench:signaling's orchestrator (scripts/bench/signaling.ts) asks its client processes
 * (signaling-worker.ts) to do over the IPC channel, and what they answer. Each worker holds
 * sockets numbered in the order it opened them; a meeting's people are all in one worker, so a
 * signal's send and receive times come from one clock.
 */
export interface Commands {
  /**
   * Opens one socket per target (`address`: its X-Forwarded-For); the new ones get the next
   * numbers. None is started after `deadlineMs` (they count as failed, 'deadline').
   */
  connect: { targets: Array<{ url: string; address: string }>; concurrency: number; deadlineMs: number };
  /** Joins meetings: each meeting's first socket starts it (`create: {}`), then the others join it; none started after `deadlineMs`. */
  join: { meetings: Array<{ room: string; members: number[] }>; concurrency: number; deadlineMs: number };
  /**
   * Sends `event` with `payload` from the sockets numbered `senders`, each at most `perSecond` (a
   * token bucket on the client) with at most `window` unanswered, for warmup + measure ms.
   */
  load: { event: string; payload: unknown; senders: number[]; perSecond: number; window: number; warmupMs: number; measureMs: number };
  /**
   * Each pair sends `signal` (kind 'candidate') to the other, both ways, paced like `load` except
   * that `window` counts signals not yet received (rather than not yet acknowledged). Pairs one of
   * whom is not in the meeting (or not connected) are left out.
   */
  relay: { pairs: Array<[number, number]>; perSecond: number; window: number; warmupMs: number; measureMs: number };
  /** One signal per pair (first to second); how many arrive within `timeoutMs`. */
  check: { pairs: Array<[number, number]>; timeoutMs: number };
  /** Sockets still connected, and why the others closed, by server URL. */
  status: Record<string, never>;
  /** Disconnects every socket (and forgets them). */
  close: Record<string, never>;
}

export type CommandName = keyof Commands;

export interface Latencies {
  buckets: Buckets;
  count: number;
  min: number;
  max: number;
}

export interface Results {
  connect: { connected: number; failed: Record<string, number>; firstIndex: number };
  join: { joined: number; failed: Record<string, number>; ids: Array<[number, string]> };
  load: { acked: number; measuredMs: number; refused: Record<string, number>; latency: Latencies; unanswered: number };
  relay: {
    /** The pairs that took part: both in their meeting and connected. */
    pairs: number;
    /** Per direction (0: each pair's first to its second, 1: back): signals received during the measured window, send to receive. */
    directions: Array<{ received: number; latency: Latencies }>;
    measuredMs: number;
    sent: number;
    refused: Record<string, number>;
    /** Sent but never received (after a drain of up to 10 s). */
    lost: number;
    /** Send to acknowledgement. */
    ackLatency: Latencies;
  };
  check: { sent: number; received: number };
  status: { open: Record<string, number>; closed: Record<string, Record<string, number>>; rssBytes: number };
  close: { closed: number };
}

export type Request = { [K in CommandName]: { id: number; name: K; args: Commands[K] } }[CommandName];
/** The worker's first message: it listens for requests now. */
export type Hello = { ready: true };
export type Response = { id: number; ok: true; result: Results[CommandName] } | { id: number; ok: false; error: string };
