import { RECORD_LIMITS, type MeetingStats } from '@roundtable/signaling-server/protocol';
import type { LinkQuality } from '../call/quality';

/** Above this level (0..1) our microphone counts as speaking. */
const SPEAKING_LEVEL = 0.04;

export interface StatsReporterDeps {
  send: (stats: MeetingStats) => Promise<unknown>;
  /** Our microphone's level (0..1) as we send it, null while it is off (read from the connection's statistics: no Web Audio in the meeting). */
  microphoneLevel: () => Promise<number | null>;
  /** Each link's quality now (the call's QualityMonitor). */
  quality: () => Readonly<Record<string, LinkQuality>>;
  /** Every 30 s unless said. */
  reportEveryMs?: number;
  /**
   * The first report, sooner (the soonest the server takes a report after the last: 10 s), so that
   * a short stay or a short meeting is in the record too; then every `reportEveryMs`.
   */
  firstReportAfterMs?: number;
  sampleEveryMs?: number;
  /** Quality samples (every 2 s unless said). */
  qualityEveryMs?: number;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Measures, for the meeting's record, how long we spoke and how the call went, and reports it to
 * the server (`meeting-stats`: after 10 s, then every 30 s): speaking time from our own microphone's level, and the
 * median round trip, loss and share of degraded links from the quality samples.
 */
export class MeetingStatsReporter {
  private speakingMs = 0;
  private rtt: number[] = [];
  private loss: number[] = [];
  private degraded: number[] = [];
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private first: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: StatsReporterDeps) {}

  start(): void {
    const sampleMs = this.deps.sampleEveryMs ?? 250;
    this.timers.push(setInterval(() => this.sampleVoice(sampleMs), sampleMs));
    this.timers.push(setInterval(() => this.sampleQuality(), this.deps.qualityEveryMs ?? 2_000));
    this.first = setTimeout(() => {
      this.report();
      this.timers.push(setInterval(() => this.report(), this.deps.reportEveryMs ?? 30_000));
    }, this.deps.firstReportAfterMs ?? RECORD_LIMITS.statsEveryMs);
  }

  stop(): void {
    clearTimeout(this.first);
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  private sampleVoice(ms: number): void {
    void this.deps.microphoneLevel().then(
      (level) => {
        if (level !== null && level > SPEAKING_LEVEL) this.speakingMs += ms;
      },
      () => undefined,
    );
  }

  private sampleQuality(): void {
    for (const link of Object.values(this.deps.quality())) {
      if (link.rttMs === null) continue;
      this.rtt.push(link.rttMs);
      this.loss.push(link.loss * 100);
      this.degraded.push(link.level === 'good' ? 0 : 1);
    }
  }

  report(): void {
    const mean = this.degraded.length ? this.degraded.reduce((a, b) => a + b, 0) / this.degraded.length : null;
    const stats: MeetingStats = {
      speakingMs: Math.min(120_000, Math.round(this.speakingMs)),
      rttMs: median(this.rtt),
      lossPct: median(this.loss),
      degradedShare: mean,
    };
    this.speakingMs = 0;
    this.rtt = [];
    this.loss = [];
    this.degraded = [];
    void this.deps.send(stats).catch(() => undefined);
  }
}
