import type { SignalBody } from '@roundtable/signaling-server/protocol';
import { vi } from 'vitest';

/** One message relayed by the (stand-in) signaling server. */
export interface Envelope {
  from: string;
  to: string;
  body: SignalBody;
  /** When it was sent (Date.now(), on the fake clock). */
  at: number;
}

/**
 * The signaling server as the mesh sees it, for unit tests: messages wait on the wire until the
 * test delivers them, so it decides what crosses when, what is lost and what comes late. Runs on
 * vitest's fake timers (the connections' tasks are timers).
 */
export class SignalWire {
  /** Everything ever sent, in order. */
  readonly log: Envelope[] = [];
  private queue: Envelope[] = [];
  private readonly receivers = new Map<string, (from: string, body: SignalBody) => void>();

  /** `id` receives what is delivered to it with `receive`. */
  connect(id: string, receive: (from: string, body: SignalBody) => void): void {
    this.receivers.set(id, receive);
  }

  /** What `from` sends with. */
  sender(from: string): (to: string, body: SignalBody) => void {
    return (to, body) => {
      const envelope = { from, to, body, at: Date.now() };
      this.log.push(envelope);
      this.queue.push(envelope);
    };
  }

  /** Messages sent and not yet delivered (or taken). */
  get pending(): readonly Envelope[] {
    return this.queue;
  }

  /** Takes the messages that match off the wire: lost, or held to be delivered later. */
  take(match: (envelope: Envelope) => boolean = () => true): Envelope[] {
    const taken = this.queue.filter(match);
    this.queue = this.queue.filter((envelope) => !match(envelope));
    return taken;
  }

  deliver(envelopes: readonly Envelope[]): void {
    for (const { from, to, body } of envelopes) this.receivers.get(to)?.(from, body);
  }

  /** Delivers what is on the wire, and what that makes them send, until nothing more comes. */
  async flush(): Promise<void> {
    for (let round = 0; round < 100; round += 1) {
      await settle();
      if (this.queue.length === 0) return;
      this.deliver(this.take());
    }
    throw new Error('the wire never went quiet');
  }
}

/**
 * Runs what is due: promise continuations and the connections' tasks, a few rounds deep. Each
 * round is a millisecond of fake time: a zero-delay timer set while timers run is due a millisecond
 * later (vitest's fake timers), so tests that count milliseconds count from when a message was sent
 * (`Envelope.at`).
 */
export async function settle(): Promise<void> {
  for (let round = 0; round < 10; round += 1) await vi.advanceTimersByTimeAsync(1);
}

/** The descriptions in some messages, as `type` and SDP. */
export function descriptionsIn(envelopes: readonly Envelope[]): Array<{ from: string; type: string; sdp: string; fresh: boolean; at: number }> {
  return envelopes.flatMap(({ from, body, at }) =>
    body.kind === 'description' ? [{ from, type: body.description.type, sdp: body.description.sdp, fresh: body.fresh === true, at }] : [],
  );
}
