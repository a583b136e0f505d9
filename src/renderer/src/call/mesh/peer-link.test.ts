import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { noTracks, type SlotTracks } from '../slots';
import { fakeStream, fakeTrack } from '../test-support/fake-media';
import { fakeConnections, type FakePeerConnection } from '../test-support/fake-peer-connection';
import { readSdp } from '../test-support/fake-sdp';
import { descriptionsIn, settle, SignalWire } from '../test-support/signal-wire';
import { ICE_RESTART_GRACE_MS } from './path-watch';
import { ANSWER_WAIT_MS, PeerLink } from './peer-link';
import { fingerprintOf, sameDescription } from './sdp';

/**
 * PeerLink against the fake connection: Ada (the smaller id: impolite) and Bob (polite), each with
 * a microphone and a camera. Who offers first is the test's choice.
 */
function call(options: { offerer: 'ada' | 'bob' } = { offerer: 'ada' }) {
  const connections = fakeConnections();
  const wire = new SignalWire();
  const tracks: Record<'ada' | 'bob', SlotTracks> = {
    ada: { ...noTracks(), audio: fakeTrack('audio', 'ada mic'), video: fakeTrack('video', 'ada camera') },
    bob: { ...noTracks(), audio: fakeTrack('audio', 'bob mic'), video: fakeTrack('video', 'bob camera') },
  };
  const received: Record<'ada' | 'bob', SlotTracks[]> = { ada: [], bob: [] };
  const make = (self: 'ada' | 'bob'): PeerLink => {
    const other = self === 'ada' ? 'bob' : 'ada';
    const link = new PeerLink({
      remoteId: other,
      polite: self > other,
      initiator: options.offerer === self,
      iceServers: [],
      localTracks: () => tracks[self],
      localStream: fakeStream(),
      send: (body) => wire.sender(self)(other, body),
      createConnection: connections.create,
    });
    link.events.on('tracks', (t) => received[self].push(t));
    wire.connect(self, (_from, body) => {
      if (body.kind !== 'view' && body.kind !== 'moved') link.receive(body);
    });
    return link;
  };
  const ada = make('ada');
  const bob = make('bob');
  const fake = (link: PeerLink): FakePeerConnection => connections.fakeOf(link.pc);
  /** Both sides' ICE comes up. */
  const connect = (): void => {
    for (const link of [ada, bob]) {
      fake(link).setIceState('checking');
      fake(link).setIceState('connected');
    }
  };
  return { ada, bob, wire, tracks, received, fake, connect };
}

const offersFrom = (wire: SignalWire, who: string) => descriptionsIn(wire.log).filter((d) => d.from === who && d.type === 'offer');
const answersFrom = (wire: SignalWire, who: string) => descriptionsIn(wire.log).filter((d) => d.from === who && d.type === 'answer');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a PeerLink', () => {
  it("the initiator offers the microphone and the camera at once, fresh; the answer brings each side the other's tracks", async () => {
    const { ada, bob, wire, received } = call();
    await settle();
    const [offer] = descriptionsIn(wire.pending);
    expect(offer).toMatchObject({ from: 'ada', type: 'offer', fresh: true });
    expect(readSdp(offer!.sdp).sections.map((s) => s.kind)).toEqual(['audio', 'video']);
    await wire.flush();
    expect([ada.isNegotiated(), bob.isNegotiated()]).toEqual([true, true]);
    expect(ada.remoteFingerprint()).toBe(fingerprintOf(bob.pc.localDescription!.sdp));
    // Each knows the other's two tracks; the screen slots do not exist yet.
    for (const side of [received.ada, received.bob]) {
      expect(side.at(-1)).toMatchObject({ audio: expect.anything(), video: expect.anything(), screen: null, screenAudio: null });
    }
    // Bob's answer sends his own tracks on the transceivers Ada's offer made.
    expect(bob.sender('audio')?.track).toBeTruthy();
    expect(bob.pc.getTransceivers().map((t) => t.direction)).toEqual(['sendrecv', 'sendrecv']);
    expect(answersFrom(wire, 'bob')).toHaveLength(1);
  });

  describe('perfect negotiation', () => {
    it('when both offer at once (an ICE restart on both sides), the impolite side ignores the other offer and the polite side answers its', async () => {
      const { ada, bob, wire, fake, connect } = call();
      await wire.flush();
      connect();
      const adaUfrag = fake(ada).localUfrag;
      const before = wire.log.length;
      // The path fails on both sides at the same moment: both restart ICE, each with an offer.
      fake(ada).setIceState('failed');
      fake(bob).setIceState('failed');
      await settle();
      const crossing = descriptionsIn(wire.pending);
      expect(crossing.map((d) => `${d.from} ${d.type}`)).toEqual(['ada offer', 'bob offer']);
      expect([ada.pc.signalingState, bob.pc.signalingState]).toEqual(['have-local-offer', 'have-local-offer']);

      await wire.flush();
      // Ada (impolite) kept her offer and got it answered; Bob (polite) rolled his back and answered
      // hers. Her restart gave both sides new credentials: Bob needs no restart of his own.
      const since = descriptionsIn(wire.log.slice(before));
      expect(since.map((d) => `${d.from} ${d.type}`)).toEqual(['ada offer', 'bob offer', 'bob answer']);
      expect([ada.pc.signalingState, bob.pc.signalingState]).toEqual(['stable', 'stable']);
      expect(fake(ada).localUfrag).not.toBe(adaUfrag);
      expect(sameDescription(ada.pc.remoteDescription!.sdp, bob.pc.localDescription!.sdp)).toBe(true);
      expect(sameDescription(bob.pc.remoteDescription!.sdp, ada.pc.localDescription!.sdp)).toBe(true);
    });

    it('when the polite side offers into an offer of the impolite one, it yields even for its own added slots', async () => {
      const { ada, bob, wire, tracks } = call();
      await wire.flush();
      // Both start sharing at the same moment: each adds the screen slots and offers them.
      for (const [link, who] of [
        [ada, 'ada'],
        [bob, 'bob'],
      ] as const) {
        tracks[who].screen = fakeTrack('video', `${who} screen`);
        tracks[who].screenAudio = fakeTrack('audio', `${who} screen sound`);
        await link.replaceTrack('screen', tracks[who].screen);
        await link.replaceTrack('screenAudio', tracks[who].screenAudio);
      }
      await settle();
      expect(descriptionsIn(wire.pending).map((d) => `${d.from} ${d.type}`)).toEqual(['ada offer', 'bob offer']);
      await wire.flush();
      // One set of screen slots on each side, and each sends its screen on it.
      expect(ada.pc.getTransceivers()).toHaveLength(4);
      expect(bob.pc.getTransceivers()).toHaveLength(4);
      expect(bob.sender('screen')?.track).toBe(tracks.bob.screen);
      expect(ada.sender('screen')?.track).toBe(tracks.ada.screen);
      expect([ada.isNegotiated(), bob.isNegotiated()]).toEqual([true, true]);
    });
  });

  it('a renegotiation offer from the original offerer is answered anew, not taken for a copy of the first', async () => {
    const { ada, bob, wire, tracks, received } = call();
    await wire.flush();
    const firstOffer = bob.pc.remoteDescription!.sdp;
    const firstAnswer = bob.pc.localDescription!.sdp;
    tracks.ada.screen = fakeTrack('video', 'ada screen');
    await ada.replaceTrack('screen', tracks.ada.screen);
    await settle();
    const [renegotiation] = descriptionsIn(wire.pending);
    // The same session (certificate, ICE credentials), a newer version: a new offer, not a copy.
    expect(renegotiation).toMatchObject({ type: 'offer', fresh: false });
    expect(readSdp(renegotiation!.sdp).session).toBe(readSdp(firstOffer).session);
    expect(sameDescription(renegotiation!.sdp, firstOffer)).toBe(false);
    expect(bob.answered(renegotiation!.sdp)).toBe(false);
    await wire.flush();
    const answers = answersFrom(wire, 'bob');
    expect(answers).toHaveLength(2);
    expect(sameDescription(answers[1]!.sdp, firstAnswer)).toBe(false);
    expect(readSdp(answers[1]!.sdp).sections).toHaveLength(3);
    expect(received.bob.at(-1)?.screen).toBeTruthy();
    expect([ada.isNegotiated(), bob.isNegotiated()]).toEqual([true, true]);
  });

  it('adds the screen slots with one renegotiation the first time it shares; the first offer had none', async () => {
    const { ada, bob, wire, tracks, received } = call();
    await wire.flush();
    expect(bob.pc.getTransceivers()).toHaveLength(2);
    const offersBefore = offersFrom(wire, 'ada').length;
    tracks.ada.screen = fakeTrack('video', 'ada screen');
    tracks.ada.screenAudio = fakeTrack('audio', 'ada screen sound');
    await ada.replaceTrack('screen', tracks.ada.screen);
    await ada.replaceTrack('screenAudio', tracks.ada.screenAudio);
    await wire.flush();
    expect(offersFrom(wire, 'ada')).toHaveLength(offersBefore + 1);
    expect(readSdp(bob.pc.remoteDescription!.sdp).sections.map((s) => s.kind)).toEqual(['audio', 'video', 'video', 'audio']);
    expect(ada.sender('screen')?.track).toBe(tracks.ada.screen);
    expect(ada.sender('screenAudio')?.track).toBe(tracks.ada.screenAudio);
    expect(received.bob.at(-1)).toMatchObject({ screen: expect.anything(), screenAudio: expect.anything() });
    // Stopping and sharing again is a replaceTrack: no more negotiation.
    await ada.replaceTrack('screen', null);
    tracks.ada.screen = fakeTrack('video', 'ada second screen');
    await ada.replaceTrack('screen', tracks.ada.screen);
    await wire.flush();
    expect(offersFrom(wire, 'ada')).toHaveLength(offersBefore + 1);
    expect(ada.sender('screen')?.track).toBe(tracks.ada.screen);
  });

  it('restarts ICE after 1 s of disconnected, not sooner, and says when the path is back', async () => {
    const { ada, wire, fake, connect } = call();
    await wire.flush();
    connect();
    let recovered = 0;
    ada.events.on('recovered', () => (recovered += 1));
    const offers = offersFrom(wire, 'ada').length;
    const ufrag = fake(ada).localUfrag;

    // A blip that ends within the grace: no restart (the path is back: 'recovered').
    fake(ada).setIceState('disconnected');
    await vi.advanceTimersByTimeAsync(ICE_RESTART_GRACE_MS - 200);
    fake(ada).setIceState('connected');
    await vi.advanceTimersByTimeAsync(ICE_RESTART_GRACE_MS);
    expect(offersFrom(wire, 'ada')).toHaveLength(offers);
    expect(recovered).toBe(1);

    fake(ada).setIceState('disconnected');
    const lostAt = Date.now();
    await vi.advanceTimersByTimeAsync(ICE_RESTART_GRACE_MS - 1);
    expect(offersFrom(wire, 'ada')).toHaveLength(offers);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    const restart = offersFrom(wire, 'ada')[offers];
    expect(restart).toBeDefined();
    expect(readSdp(restart!.sdp).ufrag).not.toBe(ufrag);
    // Sent a task after the grace ran out (a task is a millisecond on the fake clock).
    expect(restart!.at - lostAt).toBeGreaterThanOrEqual(ICE_RESTART_GRACE_MS);
    expect(restart!.at - lostAt).toBeLessThan(ICE_RESTART_GRACE_MS + 5);
    await wire.flush();
    expect(ada.isNegotiated()).toBe(true);
    fake(ada).setIceState('connected');
    expect(recovered).toBe(2);
  });

  it('sends an unanswered offer again after 3, 6 and 9 s, and a copy it already answered gets the same answer', async () => {
    const { ada, bob, wire } = call();
    await settle();
    const lost = wire.take();
    expect(descriptionsIn(lost)).toHaveLength(1);
    const offer = descriptionsIn(lost)[0]!;

    // Sent again 3, then 6, then 9 s after the one before: four sends in all, then no more.
    await vi.advanceTimersByTimeAsync(offer.at + ANSWER_WAIT_MS - 1 - Date.now());
    expect(descriptionsIn(wire.pending)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(ANSWER_WAIT_MS * 20);
    const copies = descriptionsIn(wire.pending);
    expect(copies.map((copy) => copy.at - offer.at)).toEqual([ANSWER_WAIT_MS, ANSWER_WAIT_MS * 3, ANSWER_WAIT_MS * 6]);
    // Each the same offer (same origin), fresh, now with the candidate gathered since.
    for (const copy of copies) {
      expect(copy).toMatchObject({ type: 'offer', fresh: true });
      expect(sameDescription(copy.sdp, offer.sdp)).toBe(true);
    }
    expect(copies[0]!.sdp).toMatch(/^a=candidate:/m);

    // The first copy gets through; Bob answers. The next copy gets that answer again, not a new one.
    const [first, second] = wire.take((e) => e.body.kind === 'description');
    wire.deliver([first!]);
    await wire.flush();
    const answers = answersFrom(wire, 'bob');
    expect(answers).toHaveLength(1);
    wire.deliver([second!]);
    await wire.flush();
    const again = answersFrom(wire, 'bob');
    expect(again).toHaveLength(2);
    expect(again[1]!.sdp).toBe(bob.pc.localDescription!.sdp);
    expect(sameDescription(again[1]!.sdp, again[0]!.sdp)).toBe(true);
    // Ada, already stable, ignores the second copy of the answer.
    expect(ada.isNegotiated()).toBe(true);
    expect(ada.pc.signalingState).toBe('stable');
  });
});
