import { describe, expect, it } from 'vitest';
import { levelBetween, receivedAudioEnergy, receivedAudioPackets } from './stats';

const report = (entries: object[]): RTCStatsReport => new Map(entries.map((entry, i) => [String(i), entry])) as unknown as RTCStatsReport;

describe('received audio energy', () => {
  it("reads the totals of the receiver's audio, once it has them", () => {
    expect(receivedAudioEnergy(report([{ type: 'inbound-rtp', kind: 'audio', totalAudioEnergy: 0.5, totalSamplesDuration: 2 }]))).toEqual({
      energy: 0.5,
      seconds: 2,
    });
    expect(receivedAudioEnergy(report([{ type: 'inbound-rtp', kind: 'audio' }]))).toBeNull();
    expect(receivedAudioEnergy(report([{ type: 'inbound-rtp', kind: 'video', totalAudioEnergy: 1, totalSamplesDuration: 1 }]))).toBeNull();
  });

  it('reads how many audio packets arrived, once there is an inbound audio stream', () => {
    expect(
      receivedAudioPackets(
        report([
          { type: 'inbound-rtp', kind: 'video', packetsReceived: 9 },
          { type: 'inbound-rtp', kind: 'audio', packetsReceived: 42 },
        ]),
      ),
    ).toBe(42);
    expect(receivedAudioPackets(report([{ type: 'inbound-rtp', kind: 'video', packetsReceived: 9 }]))).toBeNull();
  });

  it('gives the root mean square level between two readings', () => {
    // 0.25 energy over one second: a steady level of 0.5.
    expect(levelBetween({ energy: 1, seconds: 10 }, { energy: 1.25, seconds: 11 })).toBeCloseTo(0.5, 6);
    // Silence, no earlier reading, or no time passed: 0.
    expect(levelBetween({ energy: 1, seconds: 10 }, { energy: 1, seconds: 11 })).toBe(0);
    expect(levelBetween(undefined, { energy: 1, seconds: 10 })).toBe(0);
    expect(levelBetween({ energy: 1, seconds: 10 }, { energy: 1.2, seconds: 10 })).toBe(0);
  });
});
