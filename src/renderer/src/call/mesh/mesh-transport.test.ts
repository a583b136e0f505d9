import type { SignalMessage } from '@roundtable/signaling-server/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { noTracks, SLOTS, type SlotTracks } from '../slots';
import { fakeStream, fakeTrack } from '../test-support/fake-media';
import { fakeConnections } from '../test-support/fake-peer-connection';
import { readSdp } from '../test-support/fake-sdp';
import { descriptionsIn, settle, SignalWire } from '../test-support/signal-wire';
import type { ConnectionStatus, TransportContext } from '../transport';
import { MeshTransport } from './mesh-transport';
import { fingerprintOf, sameDescription } from './sdp';

interface Person {
  id: string;
  mesh: MeshTransport;
  /** Whom the server lists in the meeting, as this person knows it. */
  listed: Set<string>;
  tracks: SlotTracks;
  /** What the mesh said arrives from each other person (the last known track per slot). */
  received: Map<string, SlotTracks>;
  status: Map<string, ConnectionStatus>;
  restarts: string[];
}

/** People on one wire, each with a mesh over fake connections, a microphone and a camera. */
function meeting(...ids: string[]) {
  const connections = fakeConnections();
  const wire = new SignalWire();
  const people = new Map<string, Person>();
  for (const id of ids) {
    const listed = new Set<string>();
    const tracks: SlotTracks = { ...noTracks(), audio: fakeTrack('audio', `${id} mic`), video: fakeTrack('video', `${id} camera`) };
    const context: TransportContext = {
      send: wire.sender(id),
      localTracks: () => tracks,
      localStream: fakeStream(),
      isListed: (other) => listed.has(other),
      othersCount: () => listed.size,
      isJoined: () => true,
    };
    const mesh = new MeshTransport(context, { iceServers: [], createConnection: connections.create });
    const person: Person = { id, mesh, listed, tracks, received: new Map(), status: new Map(), restarts: [] };
    mesh.events.on('tracks', (from, arrived) => {
      const known = person.received.get(from) ?? noTracks();
      for (const slot of SLOTS) known[slot] = arrived[slot] ?? known[slot];
      person.received.set(from, known);
    });
    mesh.events.on('connection', (from, status) => person.status.set(from, status));
    mesh.events.on('restarted', (from) => {
      person.restarts.push(from);
      person.received.delete(from);
    });
    wire.connect(id, (from, body) => mesh.receiveSignal({ ...body, from } as SignalMessage));
    people.set(id, person);
  }
  const who = (id: string): Person => people.get(id)!;
  const fake = (id: string, other: string) => connections.fakeOf(who(id).mesh.connectionTo(other));
  /** `newcomer` joins those already in (who see it arrive); it offers to each. */
  const join = async (newcomer: string, present: string[]): Promise<void> => {
    for (const id of present) {
      who(id).listed.add(newcomer);
      who(id).mesh.participantJoined(newcomer, false);
      who(newcomer).listed.add(id);
    }
    await who(newcomer).mesh.start(
      newcomer,
      present.map((id) => ({ id, restarted: false })),
    );
  };
  /** ICE comes up on both ends of a connection. */
  const connect = (a: string, b: string): void => {
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      fake(self, other).setIceState('checking');
      fake(self, other).setIceState('connected');
    }
  };
  return { who, wire, connections, fake, join, connect };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the mesh', () => {
  it('a newcomer offers to the one already there; each then has the other’s microphone and camera', async () => {
    const { who, wire, join, connect } = meeting('ada', 'bob');
    await who('bob').mesh.start('bob', []);
    await join('ada', ['bob']);
    await wire.flush();
    connect('ada', 'bob');
    const [offer] = descriptionsIn(wire.log);
    expect(offer).toMatchObject({ from: 'ada', type: 'offer', fresh: true });
    expect(who('ada').received.get('bob')).toMatchObject({ audio: expect.anything(), video: expect.anything(), screen: null });
    expect(who('bob').received.get('ada')).toMatchObject({ audio: expect.anything(), video: expect.anything(), screen: null });
    expect(who('ada').status.get('bob')).toBe('connected');
    expect([...who('ada').mesh.peers()].map((peer) => peer.remoteId)).toEqual(['bob']);
  });

  it('sends the offer prepared on the pre-join screen, its candidate in it, and has the tracks before the answer', async () => {
    const { who, wire, join, connections } = meeting('ada', 'bob');
    await who('bob').mesh.start('bob', []);
    who('ada').mesh.prepare();
    await settle(); // the prepared connection gathers its candidate meanwhile
    const prepared = connections.made.at(-1)!;
    expect(prepared.signalingState).toBe('have-local-offer');
    wire.take(); // nothing of it left the page
    await join('ada', ['bob']);
    expect(connections.fakeOf(who('ada').mesh.connectionTo('bob'))).toBe(prepared);
    const [offer] = descriptionsIn(wire.pending);
    expect(offer).toMatchObject({ from: 'ada', type: 'offer', fresh: true });
    expect(offer!.sdp).toMatch(/^a=candidate:/m);
    // Her tiles can be set up before Bob answers: the offer's transceivers hold the tracks.
    expect(who('ada').received.get('bob')).toMatchObject({ audio: expect.anything(), video: expect.anything() });
    await wire.flush();
    expect(who('ada').mesh.connectionTo('bob')?.signalingState).toBe('stable');
  });

  it('two first offers at once are an ordinary collision: the polite side answers on a new connection', async () => {
    const { who, wire, fake } = meeting('ada', 'bob');
    // Each thinks the other was there first (they joined at the same moment): both offer, fresh.
    who('ada').listed.add('bob');
    who('bob').listed.add('ada');
    await Promise.all([who('ada').mesh.start('ada', [{ id: 'bob', restarted: false }]), who('bob').mesh.start('bob', [{ id: 'ada', restarted: false }])]);
    const bobsFirst = who('bob').mesh.connectionTo('ada');
    expect(descriptionsIn(wire.pending).map((d) => `${d.from} ${d.type} ${d.fresh}`)).toEqual(['ada offer true', 'bob offer true']);
    await wire.flush();
    // Ada (impolite) kept her connection; Bob (polite) gave his up and answered hers on a new one.
    expect(who('bob').mesh.connectionTo('ada')).not.toBe(bobsFirst);
    expect(bobsFirst?.signalingState).toBe('closed');
    expect(fake('ada', 'bob').signalingState).toBe('stable');
    expect(fake('bob', 'ada').signalingState).toBe('stable');
    expect(fingerprintOf(fake('ada', 'bob').remoteDescription!.sdp)).toBe(fingerprintOf(fake('bob', 'ada').localDescription!.sdp));
    expect(fingerprintOf(fake('bob', 'ada').remoteDescription!.sdp)).toBe(fingerprintOf(fake('ada', 'bob').localDescription!.sdp));
  });

  it('ignores a late answer from a connection it replaced, and takes the answer of the new one', async () => {
    const { who, wire, fake, join, connect } = meeting('ada', 'bob');
    await who('bob').mesh.start('bob', []);
    await join('ada', ['bob']);
    await wire.flush();
    connect('ada', 'bob');
    const bobsOld = fingerprintOf(fake('bob', 'ada').localDescription!.sdp);
    // Ada's path fails: she restarts ICE; Bob answers, but his answer is slow to arrive.
    fake('ada', 'bob').setIceState('failed');
    await settle();
    wire.deliver(wire.take());
    await settle();
    const [lateAnswer] = wire.take((e) => e.from === 'bob' && e.body.kind === 'description');
    expect(lateAnswer).toBeDefined();
    // Meanwhile her path comes back by itself: she (impolite) starts over on a new connection.
    const adasOld = who('ada').mesh.connectionTo('bob');
    fake('ada', 'bob').setIceState('connected');
    const adasNew = who('ada').mesh.connectionTo('bob');
    expect(adasNew).not.toBe(adasOld);
    expect(who('ada').restarts).toEqual(['bob']);
    await settle();
    const freshOffer = wire.take((e) => e.from === 'ada' && e.body.kind === 'description');
    expect(descriptionsIn(freshOffer)).toMatchObject([{ type: 'offer', fresh: true }]);

    // The late answer, from Bob's old certificate, reaches her new connection: dropped.
    wire.deliver([lateAnswer!]);
    await settle();
    expect(who('ada').mesh.connectionTo('bob')).toBe(adasNew);
    expect(adasNew?.signalingState).toBe('have-local-offer');
    expect(adasNew?.remoteDescription).toBeNull();

    // Her fresh offer gets through; Bob starts over too and answers from his new connection.
    wire.deliver(freshOffer);
    await wire.flush();
    expect(who('ada').mesh.connectionTo('bob')).toBe(adasNew);
    expect(adasNew?.signalingState).toBe('stable');
    const theirs = fingerprintOf(adasNew!.remoteDescription!.sdp);
    expect(theirs).not.toBe(bobsOld);
    expect(theirs).toBe(fingerprintOf(fake('bob', 'ada').localDescription!.sdp));
  });

  it('answers a copy of the first offer (its answer was lost) on the same connection, and a renegotiation too', async () => {
    const { who, wire, join } = meeting('ada', 'bob');
    await who('bob').mesh.start('bob', []);
    await join('ada', ['bob']);
    await wire.flush();
    const bobs = who('bob').mesh.connectionTo('ada');
    const [firstOffer] = descriptionsIn(wire.log);
    // A copy of her first (fresh) offer arrives again: Bob answers it again, on the same connection.
    wire.deliver([
      { from: 'ada', to: 'bob', at: Date.now(), body: { kind: 'description', description: { type: 'offer', sdp: firstOffer!.sdp }, fresh: true } },
    ]);
    await wire.flush();
    expect(who('bob').mesh.connectionTo('ada')).toBe(bobs);
    const answers = descriptionsIn(wire.log).filter((d) => d.from === 'bob');
    expect(answers).toHaveLength(2);
    expect(sameDescription(answers[1]!.sdp, answers[0]!.sdp)).toBe(true);

    // She shares her screen: a new offer of the same session, which Bob answers on the same connection.
    who('ada').tracks.screen = fakeTrack('video', 'ada screen');
    who('ada').mesh.setLocalTracks(who('ada').tracks);
    await wire.flush();
    expect(who('bob').mesh.connectionTo('ada')).toBe(bobs);
    expect(readSdp(bobs!.remoteDescription!.sdp).sections.map((s) => s.kind)).toEqual(['audio', 'video', 'video']);
    expect(who('bob').received.get('ada')?.screen).toBeTruthy();
    expect(who('bob').restarts).toEqual([]);
  });

  it('gives a connection the screen slots the first time one side shares, and at once when it is made during a share', async () => {
    const { who, wire, join } = meeting('ada', 'bob', 'cy');
    await who('bob').mesh.start('bob', []);
    await join('ada', ['bob']);
    await wire.flush();
    // Bob shares: his connection to Ada gets both screen slots, in one renegotiation.
    const before = descriptionsIn(wire.log).length;
    who('bob').tracks.screen = fakeTrack('video', 'bob screen');
    who('bob').tracks.screenAudio = fakeTrack('audio', 'bob screen sound');
    who('bob').mesh.setLocalTracks(who('bob').tracks);
    await wire.flush();
    expect(
      descriptionsIn(wire.log)
        .slice(before)
        .map((d) => `${d.from} ${d.type}`),
    ).toEqual(['bob offer', 'ada answer']);
    expect(who('ada').received.get('bob')).toMatchObject({ screen: expect.anything(), screenAudio: expect.anything() });
    // Cy arrives while Bob shares: her first offer has two m-lines, and Bob adds his screen's right after.
    who('bob').listed.add('cy');
    who('ada').listed.add('cy');
    await join('cy', ['bob']);
    await wire.flush();
    expect(readSdp(who('bob').mesh.connectionTo('cy')!.remoteDescription!.sdp).sections).toHaveLength(4);
    expect(who('cy').received.get('bob')).toMatchObject({ screen: expect.anything(), screenAudio: expect.anything() });
  });

  it('starts over with someone who reloaded: their old connection goes, a new one waits for their offer', async () => {
    const { who, wire, join } = meeting('ada', 'bob');
    await who('bob').mesh.start('bob', []);
    await join('ada', ['bob']);
    await wire.flush();
    const old = who('bob').mesh.connectionTo('ada');
    who('bob').mesh.participantJoined('ada', true);
    const fresh = who('bob').mesh.connectionTo('ada');
    expect(old?.signalingState).toBe('closed');
    expect(fresh).not.toBe(old);
    expect(fresh?.localDescription).toBeNull();
    expect(fresh?.remoteDescription).toBeNull();
  });

  it('after the signaling server was lost, replaces a connection that is not up and keeps one that is', async () => {
    const { who, wire, join, connect } = meeting('ada', 'bob', 'cy');
    await who('bob').mesh.start('bob', []);
    await who('cy').mesh.start('cy', []);
    who('bob').listed.add('cy');
    who('cy').listed.add('bob');
    await join('ada', ['bob', 'cy']);
    await wire.flush();
    connect('ada', 'bob'); // the connection to Cy never came up
    const toBob = who('ada').mesh.connectionTo('bob');
    const toCy = who('ada').mesh.connectionTo('cy');
    who('ada').mesh.signalingLost();
    who('ada').mesh.signalingRestored([
      { id: 'bob', restarted: false },
      { id: 'cy', restarted: false },
    ]);
    expect(who('ada').mesh.connectionTo('bob')).toBe(toBob);
    expect(who('ada').mesh.connectionTo('cy')).not.toBe(toCy);
    await settle();
    expect(descriptionsIn(wire.pending)).toMatchObject([{ from: 'ada', type: 'offer', fresh: true }]);
  });

  it('forgets whoever leaves: their connection closes', async () => {
    const { who, wire, join } = meeting('ada', 'bob');
    await who('bob').mesh.start('bob', []);
    await join('ada', ['bob']);
    await wire.flush();
    const link = who('ada').mesh.connectionTo('bob');
    who('ada').mesh.participantLeft('bob');
    expect(link?.signalingState).toBe('closed');
    expect(who('ada').mesh.connectionTo('bob')).toBeUndefined();
    expect([...who('ada').mesh.peers()]).toEqual([]);
  });
});
