import { describe, expect, it, vi } from 'vitest';
import { Emitter } from './emitter';
import { MESH_CLOSE_AFTER_MS, RoutedTransport } from './routed-transport';
import type { SlotTracks } from './slots';
import { FakeTrack } from './test-support/fake-media';
import type { CallTransport, RemotePeer, TransportEvents } from './transport';

/** A transport that records what it is told and emits what a test makes it. */
class ScriptedTransport implements CallTransport {
  readonly events = new Emitter<TransportEvents>();
  readonly told: string[] = [];
  closed = false;
  prepare(): void {
    this.told.push('prepare');
  }
  start(_self: string, present: readonly { id: string }[]): Promise<void> {
    this.told.push(`start ${present.map((p) => p.id).join(',')}`);
    return Promise.resolve();
  }
  participantJoined(id: string): void {
    this.told.push(`joined ${id}`);
  }
  participantLeft(id: string): void {
    this.told.push(`left ${id}`);
  }
  signalingLost(): void {}
  signalingRestored(): void {}
  receiveSignal(): void {
    this.told.push('signal');
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
    return [];
  }
  peer(): RemotePeer | undefined {
    return undefined;
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
  const routed = new RoutedTransport(mesh, () => sfu, firstMedia);
  const shown: Array<[string, Partial<SlotTracks>]> = [];
  routed.events.on('tracks', (id, tracks) => shown.push([id, tracks]));
  return { mesh, sfu, routed, shown };
}

describe('RoutedTransport', () => {
  it("keeps each person's mesh tracks until their media arrives through the SFU, then closes the mesh once everyone moved", async () => {
    const { mesh, sfu, routed, shown } = setUp();
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
    const { mesh, sfu, routed, shown } = setUp();
    await routed.start('me', [{ id: 'ada', restarted: false }]);
    const meshAudio = received('audio', 'mesh mic', false);
    const meshVideo = received('video', 'mesh cam', false);
    mesh.events.emit('tracks', 'ada', asTracks({ audio: meshAudio, video: meshVideo }));
    routed.setRoute('sfu');
    const sfuAudio = received('audio', 'sfu mic', true);
    const sfuVideo = received('video', 'sfu cam', true);
    sfu.events.emit('tracks', 'ada', asTracks({ audio: sfuAudio, video: sfuVideo }));
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

  it('ignores a move back to the mesh', async () => {
    const { sfu, routed } = setUp();
    routed.setRoute('sfu');
    routed.setRoute('mesh');
    expect(routed.currentRoute).toBe('sfu');
    await routed.start('me', []);
    expect(sfu.told).toEqual(['start ']);
  });
});
