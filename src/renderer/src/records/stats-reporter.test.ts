import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeetingStats } from '@roundtable/signaling-server/protocol';
import type { LinkQuality, QualityLevel } from '../call/quality';
import { MeetingStatsReporter } from './stats-reporter';

const link = (level: QualityLevel, rttMs: number | null, loss: number): LinkQuality => ({
  level,
  rttMs,
  loss,
  bitrateIn: 0,
  bitrateOut: 0,
  resolution: { width: 640, height: 360 },
  framesPerSecond: 15,
});

/**
 * The reporter against a fake clock and a scripted world: `level` is what our microphone sends now
 * (null: muted), `links` the call's quality now; `sent` is what reached the server.
 */
function world(options: { send?: (stats: MeetingStats) => Promise<unknown> } = {}) {
  const state = { level: null as number | null, links: {} as Record<string, LinkQuality> };
  const sent: MeetingStats[] = [];
  const reporter = new MeetingStatsReporter({
    send: options.send ?? (async (stats) => void sent.push(stats)),
    microphoneLevel: async () => state.level,
    quality: () => state.links,
  });
  return { state, sent, reporter };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the meeting stats reporter', () => {
  it('reports after 10 s, then every 30 s, and not after it stops', async () => {
    const { sent, reporter } = world();
    reporter.start();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sent).toHaveLength(3);
    reporter.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sent).toHaveLength(3);
  });

  it('says nothing was measured when nobody spoke and no link had a round trip yet', async () => {
    const { state, sent, reporter } = world();
    state.level = 0;
    state.links = { bob: link('unknown', null, 0) };
    reporter.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toEqual([{ speakingMs: 0, rttMs: null, lossPct: null, degradedShare: null }]);
    reporter.stop();
  });

  it('counts the time our microphone is above a speaking level, not while quiet or muted, afresh in each report', async () => {
    const { state, sent, reporter } = world();
    reporter.start();
    // 4 s speaking, 3 s of room noise, 3 s muted: the first report.
    state.level = 0.3;
    await vi.advanceTimersByTimeAsync(4_000);
    state.level = 0.01;
    await vi.advanceTimersByTimeAsync(3_000);
    state.level = null;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(sent).toHaveLength(1);
    expect(Math.abs(sent[0]!.speakingMs - 4_000)).toBeLessThanOrEqual(250);
    // Then 30 s of silence: the next report starts from zero.
    state.level = 0;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sent[1]!.speakingMs).toBe(0);
    // 30 s of speaking.
    state.level = 0.9;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(Math.abs(sent[2]!.speakingMs - 30_000)).toBeLessThanOrEqual(250);
    reporter.stop();
  });

  it('never reports more speaking than the server takes in one report', async () => {
    const sent: MeetingStats[] = [];
    const reporter = new MeetingStatsReporter({
      send: async (stats) => void sent.push(stats),
      microphoneLevel: async () => 1,
      quality: () => ({}),
      firstReportAfterMs: 200_000,
    });
    reporter.start();
    await vi.advanceTimersByTimeAsync(200_000);
    expect(sent[0]!.speakingMs).toBe(120_000);
    reporter.stop();
  });

  it('reports the median round trip and loss over every link, and the share of samples a link was degraded', async () => {
    const { state, sent, reporter } = world();
    reporter.start();
    // Quality is sampled every 2 s: 5 samples before the first report, two links each.
    state.links = { bob: link('good', 20, 0), cy: link('good', 40, 0.01) };
    await vi.advanceTimersByTimeAsync(6_000); // samples at 2, 4, 6 s
    state.links = { bob: link('poor', 500, 0.1), cy: link('good', 40, 0.01), dee: link('unknown', null, 0) };
    await vi.advanceTimersByTimeAsync(4_000); // samples at 8, 10 s (dee has no round trip yet: not counted)
    expect(sent).toHaveLength(1);
    // rtt: 20,40 ×3 and 500,40 ×2 → sorted 20,20,20,40,40,40,40,40,500,500 → median 40.
    expect(sent[0]!.rttMs).toBe(40);
    // loss (%): 0 ×3, 1 ×5, 10 ×2 → median 1.
    expect(sent[0]!.lossPct).toBeCloseTo(1, 6);
    // 2 of the 10 link samples were not good.
    expect(sent[0]!.degradedShare).toBeCloseTo(0.2, 6);
    // A fair link counts as degraded too; the next report only has what came after.
    state.links = { bob: link('fair', 200, 0.03) };
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sent[1]).toMatchObject({ rttMs: 200, degradedShare: 1 });
    expect(sent[1]!.lossPct).toBeCloseTo(3, 6);
    reporter.stop();
  });

  it('goes on after a report the server refused or a level it could not read', async () => {
    let calls = 0;
    const received: MeetingStats[] = [];
    let failLevel = true;
    const reporter = new MeetingStatsReporter({
      send: async (stats) => {
        calls += 1;
        if (calls === 1) throw new Error('not-in-room');
        received.push(stats);
      },
      microphoneLevel: async () => {
        if (failLevel) throw new Error('getStats failed');
        return 0.5;
      },
      quality: () => ({}),
    });
    reporter.start();
    await vi.advanceTimersByTimeAsync(10_000);
    failLevel = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toBe(2);
    expect(Math.abs(received[0]!.speakingMs - 30_000)).toBeLessThanOrEqual(250);
    reporter.stop();
  });
});
