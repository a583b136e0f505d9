import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeshBudget } from './mesh-budget';
import type { PeerLink } from './peer-link';

/** A connection whose camera sender refuses the first `refusals` setParameters calls (as Chromium does mid-negotiation). */
function linkRefusing(refusals: number) {
  let encoding: RTCRtpEncodingParameters = { active: true };
  const applied: RTCRtpEncodingParameters[] = [];
  const sender = {
    getParameters: () => ({ encodings: [{ ...encoding }] }),
    setParameters: async (parameters: { encodings: RTCRtpEncodingParameters[] }) => {
      if (refusals-- > 0) throw new DOMException('the sender is busy', 'OperationError');
      encoding = parameters.encodings[0]!;
      applied.push(encoding);
    },
  };
  const link = {
    remoteId: 'bob',
    pc: { signalingState: 'stable', connectionState: 'connected' },
    isNegotiated: () => true,
    sender: () => sender,
  } as unknown as PeerLink;
  return { link, applied, sent: () => encoding };
}

describe('applying the budget to a connection', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks(); // console.warn: the unit files share a worker
  });

  it('tries again when the sender refuses, until the peer gets what it shows', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { link, sent } = linkRefusing(3);
    const budget = new MeshBudget(true, () => 720);
    budget.setView('bob', { width: 640, height: 360 }, link);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent().scaleResolutionDownBy).toBeUndefined();
    await vi.advanceTimersByTimeAsync(3000);
    expect(sent()).toMatchObject({ active: true, scaleResolutionDownBy: 2 });
  });

  it('an unexpected failure does not stop later budgets for the same connection', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { link, applied } = linkRefusing(0);
    const sender = link.sender('video')!;
    const getParameters = sender.getParameters.bind(sender);
    sender.getParameters = vi.fn(() => {
      throw new Error('the connection went away');
    });
    const budget = new MeshBudget(true, () => 720);
    budget.setView('bob', { width: 0, height: 0 }, link);
    await vi.waitFor(() => expect(console.warn).toHaveBeenCalled());
    sender.getParameters = getParameters;
    budget.setView('bob', { width: 1280, height: 720 }, link);
    await vi.waitFor(() => expect(applied.at(-1)).toMatchObject({ active: true, scaleResolutionDownBy: 1 }));
  });

  it('reads and sets nothing while the connection is still connecting, and applies once it is up', async () => {
    const { link, applied } = linkRefusing(0);
    const pc = link.pc as unknown as { connectionState: RTCPeerConnectionState };
    pc.connectionState = 'connecting';
    const sender = link.sender('video')!;
    const getParameters = vi.spyOn(sender, 'getParameters');
    const budget = new MeshBudget(true, () => 720);
    budget.setView('bob', { width: 640, height: 360 }, link);
    await vi.waitFor(() => expect(getParameters).not.toHaveBeenCalled());
    await budget.apply(link);
    expect(getParameters).not.toHaveBeenCalled();
    pc.connectionState = 'connected';
    await budget.apply(link);
    expect(applied.at(-1)).toMatchObject({ active: true, scaleResolutionDownBy: 2 });
  });
});
