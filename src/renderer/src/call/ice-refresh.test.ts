import { afterEach, describe, expect, it, vi } from 'vitest';
import { ICE_REFRESH_MS, IceServerRefresh } from './ice-refresh';

const STUN: RTCIceServer = { urls: 'stun:192.0.2.1:3478' };
const turn = (credential: string): RTCIceServer => ({ urls: 'turn:192.0.2.1:3478', username: 'u', credential });

afterEach(() => vi.useRealTimers());

function refresh(fresh: () => RTCIceServer[]) {
  const applied: RTCIceServer[][] = [];
  let active = true;
  const fetch = vi.fn(async () => fresh());
  const ice = new IceServerRefresh({ apply: (servers) => applied.push(servers), fallback: [STUN], fetch, active: () => active });
  return { ice, applied, fetch, setActive: (on: boolean) => (active = on) };
}

describe('TURN credentials renewed while in the meeting', () => {
  it('asks for fresh credentials every few minutes and gives them to the transport', async () => {
    vi.useFakeTimers();
    let n = 0;
    const { ice, applied, fetch } = refresh(() => [turn(`c${++n}`)]);
    ice.use([turn('c0')]);
    expect(applied).toEqual([[turn('c0')]]);
    await vi.advanceTimersByTimeAsync(ICE_REFRESH_MS - 1);
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(applied.at(-1)).toEqual([turn('c1')]);
    // One timer at a time: the renewal replaced the first, it did not add a second.
    await vi.advanceTimersByTimeAsync(ICE_REFRESH_MS);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(applied.at(-1)).toEqual([turn('c2')]);
    ice.stop();
    await vi.advanceTimersByTimeAsync(3 * ICE_REFRESH_MS);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('does not ask while we are not in the meeting (waiting, reconnecting)', async () => {
    vi.useFakeTimers();
    const { ice, fetch, setActive } = refresh(() => [turn('again')]);
    ice.use([turn('first')]);
    setActive(false);
    await vi.advanceTimersByTimeAsync(2 * ICE_REFRESH_MS);
    expect(fetch).not.toHaveBeenCalled();
    setActive(true);
    await vi.advanceTimersByTimeAsync(ICE_REFRESH_MS);
    expect(fetch).toHaveBeenCalledOnce();
    ice.stop();
  });

  it('uses our own servers when the meeting server hands out none, and renews nothing without credentials', async () => {
    vi.useFakeTimers();
    const { ice, applied, fetch } = refresh(() => []);
    ice.use(undefined);
    ice.use([{ urls: 'stun:192.0.2.9:3478' }]);
    expect(applied).toEqual([[STUN], [{ urls: 'stun:192.0.2.9:3478' }]]);
    await vi.advanceTimersByTimeAsync(3 * ICE_REFRESH_MS);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('keeps the credentials it has when a renewal fails', async () => {
    vi.useFakeTimers();
    const applied: RTCIceServer[][] = [];
    const ice = new IceServerRefresh({
      apply: (servers) => applied.push(servers),
      fallback: [],
      fetch: () => Promise.reject(new Error('server gone')),
      active: () => true,
    });
    ice.use([turn('kept')]);
    await vi.advanceTimersByTimeAsync(ICE_REFRESH_MS);
    expect(applied).toEqual([[turn('kept')]]);
    ice.stop();
  });
});
