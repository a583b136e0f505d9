import { describe, expect, it, vi } from 'vitest';
import { QualityMonitor, qualityBetween, qualityLevel } from './quality';
import type { LinkStats } from './stats';
import type { RemotePeer } from './transport';

const stats = (t: number, packets: number, lost: number, bytes: number, rttMs: number | null): LinkStats => ({
  rttMs,
  audio: { packetsReceived: packets, packetsLost: lost, bytesReceived: bytes },
  video: { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, framesDecoded: 0, frameWidth: 640, frameHeight: 360, framesPerSecond: 30 },
  sent: { audioBytes: bytes, videoBytes: 0, frameWidth: 0, frameHeight: 0 },
  timestamp: t,
});

describe('connection quality', () => {
  it('rates round-trip time and loss', () => {
    expect(qualityLevel(null, 0)).toBe('unknown');
    expect(qualityLevel(20, 0)).toBe('good');
    expect(qualityLevel(200, 0)).toBe('fair');
    expect(qualityLevel(20, 0.05)).toBe('fair');
    expect(qualityLevel(500, 0)).toBe('poor');
    expect(qualityLevel(20, 0.2)).toBe('poor');
  });

  it('computes loss and bitrates over the interval between samples', () => {
    const q = qualityBetween(stats(0, 100, 0, 10_000, 30), stats(2000, 290, 10, 60_000, 30));
    expect(q.loss).toBeCloseTo(10 / 200, 5);
    expect(q.bitrateIn).toBe(200_000);
    expect(q.bitrateOut).toBe(200_000);
    expect(q.level).toBe('fair');
    expect(q.resolution).toEqual({ width: 640, height: 360 });
  });
});

describe('the quality monitor', () => {
  /** One peer whose getStats gives `packets` received and `lost` lost on the microphone stream. */
  const fakePeer = (state: RTCPeerConnectionState) => {
    const peer = {
      remoteId: 'bob',
      connectionState: state,
      getStats: vi.fn(),
      receiver: () => undefined,
      silentForMs: async () => 0,
      noteAudioPackets: () => undefined,
      packets: 0,
      lost: 0,
    };
    peer.getStats.mockImplementation(
      async () =>
        new Map<string, object>([
          ['in', { type: 'inbound-rtp', kind: 'audio', mid: '0', packetsReceived: peer.packets, packetsLost: peer.lost, bytesReceived: 0 }],
          ['pair', { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.02 }],
        ]),
    );
    return peer;
  };

  it('leaves a connection alone while it is being set up, and keeps rating it through an outage', async () => {
    const peer = fakePeer('connecting');
    const monitor = new QualityMonitor((): RemotePeer[] => [peer]);
    await monitor.sample();
    expect(peer.getStats).not.toHaveBeenCalled();
    expect(monitor.quality.get()).toEqual({});

    peer.connectionState = 'connected';
    peer.packets = 100;
    await monitor.sample();
    expect(monitor.quality.get()['bob']?.level).toBe('good');

    // The network drops: few packets arrive, many are lost. The bars say so rather than vanish.
    peer.connectionState = 'disconnected';
    peer.packets = 110;
    peer.lost = 40;
    await monitor.sample();
    expect(monitor.quality.get()['bob']?.level).toBe('poor');
  });
});
