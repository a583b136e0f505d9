import type { Participant } from '@roundtable/signaling-server/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ParticipantList, type RemoteParticipant } from './participants';
import { fakeTrack } from './test-support/fake-media';
import type { RemotePeer } from './transport';

const person = (id: string, joinedAt: number, session = `${id}-1`): Participant => ({
  id,
  session,
  name: id.toUpperCase(),
  joinedAt,
  media: { audio: true, video: true, screen: false },
  hand: null,
  recording: false,
  host: false,
});

/** A list kept where the session keeps it, counting the lists it was given. */
function list() {
  let current: readonly RemoteParticipant[] = [];
  const writes: Array<readonly RemoteParticipant[]> = [];
  const participants = new ParticipantList({
    get: () => current,
    set: (next) => {
      current = next;
      writes.push(next);
    },
  });
  return { participants, writes, now: () => current };
}

/** A peer whose heartbeat says nothing arrived for `silent()` ms. */
const peerSilentFor = (silent: () => number): RemotePeer => ({
  remoteId: 'bob',
  connectionState: 'connected',
  getStats: async () => new Map() as unknown as RTCStatsReport,
  receiver: () => undefined,
  silentForMs: async () => silent(),
  noteAudioPackets: () => undefined,
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the participant list', () => {
  it('keeps everyone in order of joining, and says who started over (a known id with a new session)', () => {
    const { participants, now } = list();
    expect(participants.upsert(person('cy', 30))).toEqual({ restarted: false });
    expect(participants.upsert(person('bob', 20))).toEqual({ restarted: false });
    expect(now().map((p) => p.id)).toEqual(['bob', 'cy']);
    const camera = fakeTrack('video');
    participants.setTracks('bob', { video: camera });
    participants.setConnection('bob', 'connected');
    // The same session again (a reconnect): what arrives from them stays.
    expect(participants.upsert(person('bob', 20))).toEqual({ restarted: false });
    expect(participants.find('bob')).toMatchObject({ connection: 'connected', tracks: { video: camera } });
    // A new session (a reload): what arrived before is gone.
    expect(participants.upsert(person('bob', 20, 'bob-2'))).toEqual({ restarted: true });
    expect(participants.find('bob')).toMatchObject({ connection: 'connecting', tracks: { video: null } });
  });

  it('makes no new list for a change that changes nothing, and keeps a slot the transport says nothing of', () => {
    const { participants, writes } = list();
    const bob = person('bob', 20);
    participants.upsert(bob);
    const microphone = fakeTrack('audio');
    participants.setTracks('bob', { audio: microphone });
    const count = writes.length;
    participants.setTracks('bob', { audio: microphone, video: null });
    participants.setConnection('bob', 'connecting');
    participants.update(bob);
    expect(writes).toHaveLength(count);
    participants.restartMedia('bob');
    expect(participants.find('bob')?.tracks.audio).toBeNull();
  });

  it('keeps someone the server lost while their media still arrives, and lets them go once it stops', async () => {
    const { participants } = list();
    participants.upsert(person('bob', 20));
    let silent = 0;
    const peer = peerSilentFor(() => silent);
    const removed: string[] = [];
    participants.keepWhileHeard(
      'bob',
      peer,
      () => peer,
      () => {
        removed.push('bob');
        participants.remove('bob');
      },
    );
    expect(participants.find('bob')?.away).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(removed).toEqual([]);
    silent = 8_000;
    await vi.advanceTimersByTimeAsync(300);
    expect(removed).toEqual(['bob']);
  });

  it('after a reconnect, removes those the server no longer lists once the grace period ends, unless they come back', async () => {
    const { participants, now } = list();
    for (const [id, at] of [
      ['bob', 20],
      ['cy', 30],
      ['dee', 40],
    ] as const)
      participants.upsert(person(id, at));
    participants.awaitReturn(new Set(['bob']), 10_000, (id) => participants.remove(id));
    await vi.advanceTimersByTimeAsync(5_000);
    participants.upsert(person('cy', 30)); // Cy is back in time
    await vi.advanceTimersByTimeAsync(5_000);
    expect(now().map((p) => p.id)).toEqual(['bob', 'cy']);
  });
});
