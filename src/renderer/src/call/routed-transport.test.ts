import { describe, expect, it, vi } from 'vitest';
import { Emitter } from './emitter';
import { MESH_CLOSE_AFTER_MS, RoutedTransport } from './routed-transport';
import type { SlotTracks } from './slots';
import { FakeTrack } from './test-support/fake-media';
import type { SignalMessage } from '@roundtable/signaling-server/protocol';
import type { CallTransport, RemotePeer, TransportEvents } from './transport';

/** A transport that records what it is told and emits what a test makes it. */
class ScriptedTransport implements CallTransport {
  readonly events = new Emitter<TransportEvents>();
  readonly told: string[] = [];
  closed = false;
  /** Whom it has a connection with (the mesh: one each). */
  readonly links = new Set<string>();
  prepare(): void {
    this.told.push('prepare');
  }
  start(_self: string, present: readonly { id: string }[]): Promise<void> {
    this.told.push(`start ${present.map((p) => p.id).join(',')}`);
    for (const p of present) this.links.add(p.id);
    return Promise.resolve();
  }
  participantJoined(id: string): void {
    this.told.push(`joined ${id}`);
  }
  participantLeft(id: string): void {
    this.told.push(`left ${id}`);
    this.links.delete(id);
  }
  stopSendingTo(id: string): void {
    this.told.push(`quiet to ${id}`);
  }
  signalingLost(): void {}
  signalingRestored(): void {}
  receiveSignal(message: SignalMessage): void {
    this.told.push(`signal ${message.kind} from ${message.from}`);
  }
  setLocalTracks(): void {
    this.told.push('tracks');
  }
  setViewSize(id: string): void {
    this.told.push(`view ${id}`);
  }
  setRoomSize(): void {}
  setIceServers(): void {}
  peers(): Iterable<RemotePeer> {
    return [...this.links].map((id) => ({ remoteId: id }) as RemotePeer);
  }
  peer(id: string): RemotePeer | undefined {
    return this.links.has(id) ? ({ remoteId: id } as RemotePeer) : undefined;
  }
  connectionTo(): RTCPeerConnection | undefined {
    return undefined;
  }
  close(): void {
    this.closed = true;
  }
}

const received = (kind: 'audio' | 'video', label: string, muted: boolean): FakeTrack => {
  const track = new FakeTrack(kind, label);
  track.muted = muted;
  return track;
};
const asTracks = (tracks: Partial<Record<keyof SlotTracks, FakeTrack>>): Partial<SlotTracks> => tracks as unknown as Partial<SlotTracks>;

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function setUp() {
  const mesh = new ScriptedTransport();
  const sfu = new ScriptedTransport();
  // Media plays on a received fake track once it unmutes.
  const firstMedia = (track: MediaStreamTrack): Promise<void> =>
    new Promise((resolve) => (track.muted ? track.addEventListener('unmute', () => resolve(), { once: true }) : resolve()));
  const sent: string[] = [];
  const routed = new RoutedTransport(
    mesh,
    () => sfu,
    firstMedia,
    (to, body) => sent.push(`${body.kind} to ${to}`),
  );
  const shown: Array<[string, Partial<SlotTracks>]> = [];
  routed.events.on('tracks', (id, tracks) => shown.push([id, tracks]));
  /** `from` says everything of ours plays at their end through the SFU. */
  const heardMoved = (from: string): void => routed.receiveSignal({ from, kind: 'moved' });
  return { mesh, sfu, routed, shown, sent, heardMoved };
}

describe('RoutedTransport', () => {
  it("keeps each person's mesh tracks until their media arrives through the SFU, then closes the mesh once everyone moved", async () => {
    const { mesh, sfu, routed, shown, heardMoved } = setUp();
    heardMoved('ada');
    heardMoved('bob');
    await routed.start('me', [
      { id: 'ada', restarted: false },
      { id: 'bob', restarted: false },
    ]);
    const adaMesh = received('video', 'ada mesh', false);
    mesh.events.emit('tracks', 'ada', asTracks({ video: adaMesh }));
    routed.setRoute('sfu');
    expect(sfu.told).toContain('start ada,bob');

    const adaSfu = received('video', 'ada sfu', true);
    sfu.events.emit('tracks', 'ada', asTracks({ video: adaSfu }));
    // Nothing has played on the SFU's track yet: Ada's tile keeps the mesh's.
    expect(shown.map(([, t]) => t.video)).toEqual([adaMesh]);
    // The mesh may still renegotiate meanwhile: what it brings still shows.
    const adaMesh2 = received('video', 'ada mesh 2', false);
    mesh.events.emit('tracks', 'ada', asTracks({ video: adaMesh2 }));
    adaSfu.unmute();
    await flush();
    expect(shown.map(([, t]) => t.video)).toEqual([adaMesh, adaMesh2, adaSfu]);
    // From now on the mesh says nothing about Ada.
    mesh.events.emit('tracks', 'ada', asTracks({ video: received('video', 'late', false) }));
    expect(shown).toHaveLength(3);
    expect(mesh.closed).toBe(false);

    const bobSfu = received('audio', 'bob sfu', false);
    sfu.events.emit('tracks', 'bob', asTracks({ audio: bobSfu }));
    await flush();
    expect(shown.at(-1)).toEqual(['bob', { audio: bobSfu }]);
    expect(mesh.closed).toBe(true);
  });

  it("moves each slot on its own: Ada's sound through the SFU while her camera's first frame is still on its way", async () => {
    const { mesh, sfu, routed, shown, heardMoved } = setUp();
    await routed.start('me', [{ id: 'ada', restarted: false }]);
    const meshAudio = received('audio', 'mesh mic', false);
    const meshVideo = received('video', 'mesh cam', false);
    mesh.events.emit('tracks', 'ada', asTracks({ audio: meshAudio, video: meshVideo }));
    routed.setRoute('sfu');
    const sfuAudio = received('audio', 'sfu mic', true);
    const sfuVideo = received('video', 'sfu cam', true);
    sfu.events.emit('tracks', 'ada', asTracks({ audio: sfuAudio, video: sfuVideo }));
    heardMoved('ada');
    sfuAudio.unmute();
    await flush();
    expect(shown.at(-1)).toEqual(['ada', { audio: sfuAudio }]);
    // The mesh's camera still shows, and what the mesh says of it still counts; its microphone no longer.
    const meshVideo2 = received('video', 'mesh cam 2', false);
    mesh.events.emit('tracks', 'ada', asTracks({ audio: received('audio', 'stale', false), video: meshVideo2 }));
    expect(shown.at(-1)).toEqual(['ada', { video: meshVideo2 }]);
    expect(mesh.closed).toBe(false);
    sfuVideo.unmute();
    await flush();
    expect(shown.at(-1)).toEqual(['ada', { video: sfuVideo }]);
    expect(mesh.closed).toBe(true);
  });

  it('closes the mesh after a while even if someone never arrives through the SFU, giving them what the SFU has', async () => {
    vi.useFakeTimers();
    try {
      const { mesh, sfu, routed, shown } = setUp();
      await routed.start('me', [{ id: 'ada', restarted: false }]);
      routed.setRoute('sfu');
      const silent = received('video', 'ada sfu', true);
      sfu.events.emit('tracks', 'ada', asTracks({ video: silent }));
      vi.advanceTimersByTime(MESH_CLOSE_AFTER_MS - 1);
      expect(mesh.closed).toBe(false);
      vi.advanceTimersByTime(1);
      expect(mesh.closed).toBe(true);
      expect(shown.at(-1)).toEqual(['ada', { video: silent }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('joining a meeting already on the SFU never starts the mesh; newcomers and signals no longer reach it', async () => {
    const { mesh, sfu, routed } = setUp();
    routed.prepare();
    routed.setRoute('sfu');
    await routed.start('me', [{ id: 'ada', restarted: false }]);
    routed.participantJoined('bob', false);
    routed.receiveSignal({ from: 'ada', kind: 'candidate', candidate: null });
    routed.setViewSize('ada', { width: 320, height: 180 });
    expect(mesh.told).toEqual(['prepare']);
    expect(mesh.closed).toBe(true);
    expect(sfu.told).toEqual(['start ada', 'joined bob', 'view ada']);
  });

  it('closes each mesh connection only once both sides moved: the first to move keeps sending to the other until it hears that they moved too', async () => {
    const { mesh, sfu, routed, sent, heardMoved } = setUp();
    await routed.start('me', [
      { id: 'ada', restarted: false },
      { id: 'bob', restarted: false },
    ]);
    routed.setRoute('sfu');
    const adaSfu = received('audio', 'ada sfu', true);
    const bobSfu = received('audio', 'bob sfu', true);
    sfu.events.emit('tracks', 'ada', asTracks({ audio: adaSfu }));
    sfu.events.emit('tracks', 'bob', asTracks({ audio: bobSfu }));
    adaSfu.unmute();
    await flush();
    // Ada's sound plays through the SFU here: we tell her, and keep the connection, which still
    // carries our sound to her until ours plays at her end through the SFU.
    expect(sent).toEqual(['moved to ada']);
    expect(mesh.links).toEqual(new Set(['ada', 'bob']));
    // Bob moved us before we moved him: nothing closes until we have too, but we stop sending to him there.
    heardMoved('bob');
    expect(mesh.links).toEqual(new Set(['ada', 'bob']));
    expect(mesh.told).toContain('quiet to bob');
    expect(mesh.told).not.toContain('quiet to ada');
    bobSfu.unmute();
    await flush();
    expect(sent).toEqual(['moved to ada', 'moved to bob']);
    expect(mesh.links).toEqual(new Set(['ada']));
    expect(mesh.closed).toBe(false);
    // Ada's late negotiation still reaches her connection; Bob's, closed on both sides, no longer.
    routed.receiveSignal({ from: 'ada', kind: 'candidate', candidate: null });
    routed.receiveSignal({ from: 'bob', kind: 'candidate', candidate: null });
    expect(mesh.told.filter((t) => t.startsWith('signal'))).toEqual(['signal candidate from ada']);
    heardMoved('ada');
    expect(mesh.closed).toBe(true);
    // Said once each.
    expect(sent).toEqual(['moved to ada', 'moved to bob']);
  });

  it('ignores a `moved` from someone while the meeting is still a mesh', async () => {
    const { mesh, routed, heardMoved } = setUp();
    await routed.start('me', [{ id: 'ada', restarted: false }]);
    heardMoved('ada');
    expect(mesh.links).toEqual(new Set(['ada']));
    expect(mesh.told).toEqual(['start ada']);
  });

  it('ignores a move back to the mesh', async () => {
    const { sfu, routed } = setUp();
    routed.setRoute('sfu');
    routed.setRoute('mesh');
    expect(routed.currentRoute).toBe('sfu');
    await routed.start('me', []);
    expect(sfu.told).toEqual(['start ']);
  });
});
