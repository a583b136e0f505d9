/**
 * The SFU connections across a server restart: while the server is away a failed connection is
 * retried (and cannot be negotiated), and once it is back the transport makes both anew. A retry
 * left pending from the outage must not then replace the new connection (the media would stop a
 * second time, seconds after it came back). Nor must the retry of an offer that came late.
 */
import type { SfuOffer } from '@roundtable/signaling-server/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { noTracks } from '../slots';
import type { SfuSignaling } from './sfu-signaling';
import { SfuPublisher } from './sfu-publisher';
import { SfuSubscriber } from './sfu-subscriber';

/** What the SFU connections use of an RTCPeerConnection, and a way to say what ICE did. */
class MiniConnection extends EventTarget {
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  iceGatheringState: RTCIceGatheringState = 'new';
  localDescription: { type: RTCSdpType; sdp: string } | null = null;
  closed = false;
  private readonly transceivers: Array<{ mid: string | null; receiver: { track: null }; sender: { replaceTrack(): Promise<void> } }> = [];

  addTransceiver() {
    const transceiver = { mid: null as string | null, receiver: { track: null }, sender: { replaceTrack: () => Promise.resolve() } };
    this.transceivers.push(transceiver);
    return transceiver;
  }
  getTransceivers() {
    return this.transceivers;
  }
  async createOffer() {
    this.transceivers.forEach((t, i) => (t.mid ??= String(i)));
    return { type: 'offer' as const, sdp: 'v=0 offer' };
  }
  async createAnswer() {
    return { type: 'answer' as const, sdp: 'v=0 answer' };
  }
  async setLocalDescription(description: { type: RTCSdpType; sdp: string }) {
    this.localDescription = description;
    this.iceGatheringState = 'complete';
  }
  async setRemoteDescription() {}
  close() {
    this.closed = true;
    this.connectionState = 'closed';
  }
  state(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

let made: MiniConnection[];
let offers: ((offer: SfuOffer) => void) | null;
const signaling = {
  publish: vi.fn<SfuSignaling['publish']>(),
  subscribe: vi.fn<SfuSignaling['subscribe']>(),
  answer: vi.fn(),
  view: vi.fn(),
  onOffer: (listener: (offer: SfuOffer) => void) => {
    offers = listener;
    return () => (offers = null);
  },
  onLayers: () => () => undefined,
};
const createConnection = () => {
  const pc = new MiniConnection();
  made.push(pc);
  return pc as unknown as RTCPeerConnection;
};
const serverAway = () => new Error('not connected to the meeting server');

beforeEach(() => {
  vi.useFakeTimers();
  made = [];
  offers = null;
  signaling.publish.mockReset().mockResolvedValue('v=0 answer');
  signaling.subscribe.mockReset().mockResolvedValue({});
});
afterEach(() => vi.useRealTimers());

describe('the SFU connections after the server came back', () => {
  it('the sending connection made anew is kept: no retry from the outage replaces it', async () => {
    const publisher = new SfuPublisher({ createConnection, iceServers: () => [], signaling, localTracks: noTracks, stream: {} as MediaStream });
    await publisher.start();
    made[0]!.state('connected');

    // The server (and its SFU) went away: the connection fails, and retries cannot be negotiated.
    signaling.publish.mockRejectedValue(serverAway());
    made[0]!.state('failed');
    await vi.advanceTimersByTimeAsync(3_500); // tries after 1 s and 2 s; the next is due 4 s later
    expect(made).toHaveLength(3);

    signaling.publish.mockResolvedValue('v=0 answer');
    await publisher.start();
    const current = made.at(-1)!;
    current.state('connected');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(made.at(-1)).toBe(current);
    expect(current.closed).toBe(false);
    expect(publisher.connection).toBe(current as unknown as RTCPeerConnection);
    publisher.close();
  });

  it('and so is the receiving connection: the SFU is not asked for another', async () => {
    const subscriber = new SfuSubscriber({ createConnection, iceServers: () => [], signaling });
    const offer = async (revision: number): Promise<void> => {
      offers!({ sdp: 'v=0 offer', revision, fresh: true, tracks: [] });
      await vi.advanceTimersByTimeAsync(0);
    };
    await subscriber.start();
    await offer(1);
    made[0]!.state('connected');

    signaling.subscribe.mockRejectedValue(serverAway());
    made[0]!.state('failed');
    await vi.advanceTimersByTimeAsync(3_500);
    const asked = signaling.subscribe.mock.calls.length;
    expect(asked).toBe(3);

    signaling.subscribe.mockResolvedValue({});
    await subscriber.start();
    await offer(2);
    const current = made.at(-1)!;
    current.state('connected');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(signaling.subscribe).toHaveBeenCalledTimes(asked + 1);
    expect(subscriber.connection).toBe(current as unknown as RTCPeerConnection);
    subscriber.close();
  });

  it('an offer that comes after its wait ran out is kept: the retry the wait set up asks for no other', async () => {
    const subscriber = new SfuSubscriber({ createConnection, iceServers: () => [], signaling });
    await subscriber.start();
    // A busy SFU: its offer takes longer than the 5 s the subscriber waits before asking again.
    await vi.advanceTimersByTimeAsync(5_500);
    offers!({ sdp: 'v=0 offer', revision: 1, fresh: true, tracks: [] });
    await vi.advanceTimersByTimeAsync(0);
    const current = made.at(-1)!;
    current.state('connected');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(signaling.subscribe).toHaveBeenCalledTimes(1);
    expect(made).toHaveLength(1);
    expect(subscriber.connection).toBe(current as unknown as RTCPeerConnection);
    subscriber.close();
  });
});
