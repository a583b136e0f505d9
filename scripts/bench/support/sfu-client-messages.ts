import type { VideoShape } from '../../../signaling-server/test/sfu-media';
import type { SubscribeOffer } from '../../../signaling-server/test/sfu-participant';
import type { Latencies } from './signaling-messages';

/**
 * What bench:sfu's orchestrator (scripts/bench/sfu.ts) asks its client processes
 * (sfu-client-worker.ts) over the IPC channel, and what they answer. A client process hosts some
 * of a meeting's synthetic participants, known by their index; the orchestrator plays the
 * server's part (it relays each participant's publish offer to the SFU and the SFU's offers to
 * the participant, as signaling-server/test/sfu-harness.ts's TestMeeting does in one process).
 *
 * Times are on the machine's monotonic clock, in milliseconds (`clockMs()`): the same clock in
 * every process, so a window set by the orchestrator is the same window in every client process,
 * and a sender's stamp can be read by a receiver in another process.
 */
export interface Commands {
  /** A new participant (`index` is also the publisher byte in its packets' tails): its publishing connection's first offer. */
  join: { index: number; id: string; shape: VideoShape };
  /** A new publishing connection for a participant whose last one failed: its offer. */
  offer: { index: number };
  /** The SFU's answer to the publish offer; `applied: false` if the connection failed while taking it in (publish anew). */
  answer: { index: number; sdp: string };
  /** Starts sending (30 frames a second of q/h/f, 50 audio packets a second). */
  start: { index: number };
  /** The SFU's offer for the participant's receiving connection: resolves with the answer. */
  subscribe: { index: number; offer: SubscribeOffer };
  /** Counts what is sent and received from `fromMs` to `toMs` (clockMs), and answers at `toMs`. */
  measure: { fromMs: number; toMs: number };
  /** This process's clockMs, to check that the clocks agree. */
  clock: Record<string, never>;
  /** Closes every participant (and forgets them). */
  close: Record<string, never>;
}

export type CommandName = keyof Commands;

export interface Measured {
  /** Participants hosted. */
  participants: number;
  /** Each video packet's stamp (its frame's sending, in the payload) to its arrival at a subscriber here; first arrivals only. */
  latency: Latencies;
  /** Video packets received (first arrivals), and counters skipped in each (subscriber, publisher, layer) stream: lost. */
  received: number;
  missing: number;
  /** Received video packets without a readable stamp (none expected). */
  unstamped: number;
  /** Per hosted participant: what it sent in the window. */
  sent: Array<{ index: number; layerBytes: number[]; audioBytes: number; frames: number }>;
  /** [subscriber, publisher, bit mask of the layers received] for every video stream received. */
  videoFrom: Array<[number, number, number]>;
  /** How late this process's event loop ran a 5 ms timer in the window (it delays receiving, so it is in the latency). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

export interface Results {
  join: { sdp: string; slots: Array<{ mid: string; slot: 'audio' | 'video' | 'screen' | 'screenAudio' }> };
  offer: Results['join'];
  answer: { applied: boolean };
  start: Record<string, never>;
  subscribe: { sdp: string };
  measure: Measured;
  clock: { clockMs: number };
  close: { closed: number };
}

export type Request = { [K in CommandName]: { id: number; name: K; args: Commands[K] } }[CommandName];
/** The first message: it listens for requests now. */
export type Hello = { ready: true };
/** A participant's connection failed (the orchestrator makes it anew, as a browser would). */
export type Failure = { failed: 'publisher' | 'subscriber'; index: number };
export type Response = { id: number; ok: true; result: Results[CommandName] } | { id: number; ok: false; error: string };
export type WorkerMessage = Hello | Failure | Response;

/**
 * The machine's monotonic clock (CLOCK_MONOTONIC on Linux, which is one clock for every process),
 * in ms. Chosen over performance.timeOrigin + performance.now(): timeOrigin is each process's own
 * reading of the wall clock when it started, so two processes' sums differ by any step of the
 * wall clock between their starts (NTP) and by how well each start was read; and over Date.now()
 * (whole milliseconds, and it steps with the wall clock). hrtime is neither: a stamp written by
 * one process is read against the same clock by another, to the nanosecond.
 */
export const clockMs = (): number => Number(process.hrtime.bigint()) / 1e6;
