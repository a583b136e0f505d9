import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServerStore } from '../store/store.js';

/**
 * The server's Prometheus metrics (prom-client), labelled with this node's name. Counts only:
 * no meeting code, name or address is ever a label.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'event' | 'outcome'>;
  readonly refusals: Counter<'code'>;
  readonly chatWrites: Counter;
  readonly storeSeconds: Histogram<'op'>;

  constructor(node: string, sample: () => { meetings: number; participants: number; connections: number }) {
    this.registry.setDefaultLabels({ node });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'roundtable_requests_total',
      help: 'Client requests handled, by event and outcome',
      labelNames: ['event', 'outcome'],
      registers,
    });
    this.refusals = new Counter({ name: 'roundtable_refusals_total', help: 'Client requests refused, by error code', labelNames: ['code'], registers });
    this.chatWrites = new Counter({ name: 'roundtable_chat_writes_total', help: 'Chat messages stored', registers });
    this.storeSeconds = new Histogram({
      name: 'roundtable_store_seconds',
      help: 'Time a store operation took',
      labelNames: ['op'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    const gauge = (name: string, help: string, read: (s: ReturnType<typeof sample>) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(sample()));
        },
      });
    };
    gauge('roundtable_meetings', 'Meetings running on this node', (s) => s.meetings);
    gauge('roundtable_participants', 'People in meetings on this node', (s) => s.participants);
    gauge('roundtable_connections', 'Open connections to this node', (s) => s.connections);
  }

  /** A request was answered: counted by event and outcome, a refusal by its code too. */
  answered(event: string, result: { ok: boolean; error?: { code: string } }): void {
    this.requests.inc({ event, outcome: result.ok ? 'ok' : 'refused' });
    if (!result.ok && result.error) this.refusals.inc({ code: result.error.code });
  }

  /** `store`, with every operation timed (and chat writes counted). */
  timed(store: ServerStore): ServerStore {
    const time = <T>(op: string, work: () => Promise<T>): Promise<T> => {
      const end = this.storeSeconds.startTimer({ op });
      return work().finally(() => end());
    };
    return {
      appendChat: (instance, message) =>
        time('appendChat', () => store.appendChat(instance, message)).then((result) => {
          if ('stored' in result && !result.duplicate) this.chatWrites.inc();
          return result;
        }),
      chatPage: (instance, options) => time('chatPage', () => store.chatPage(instance, options)),
      chatUsage: (instance) => time('chatUsage', () => store.chatUsage(instance)),
      saveMeeting: (record) => time('saveMeeting', () => store.saveMeeting(record)),
      dropMeeting: (instance) => time('dropMeeting', () => store.dropMeeting(instance)),
      loadMeetings: () => time('loadMeetings', () => store.loadMeetings()),
      purgeExpired: (now) => time('purgeExpired', () => store.purgeExpired(now)),
      files: {
        ...store.files,
        write: (instance, fileId, body) => time('fileWrite', () => store.files.write(instance, fileId, body)),
        append: (instance, message, quota) => time('fileAppend', () => store.files.append(instance, message, quota)),
      },
      records: {
        ...store.records,
        save: (log) => time('recordSave', () => store.records.save(log)),
      },
      close: () => store.close(),
    };
  }
}
