import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSignalingServer } from '@roundtable/signaling-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallSession, type CallMedia } from './call-session';
import { Emitter } from './emitter';
import type { LocalMediaEvents } from './local-media';
import { fakeStream, fakeTrack } from './test-support/fake-media';
import { fakeConnections } from './test-support/fake-peer-connection';

/**
 * The session over its seam, in Node: the real signaling server, the mesh over fake connections.
 * What React sees (`state`) follows the server's events and the transport's.
 */
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function meetingServer(): Promise<string> {
  const http = createServer();
  const signaling = createSignalingServer(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => signaling.close());
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

function cameraAndMicrophone(): CallMedia {
  return {
    events: new Emitter<LocalMediaEvents>(),
    stream: fakeStream(),
    audioTrack: fakeTrack('audio'),
    videoTrack: fakeTrack('video'),
    micEnabled: true,
    cameraEnabled: true,
    setMicEnabled: () => undefined,
    setCameraEnabled: async () => undefined,
  };
}

describe('a call session', () => {
  it('meets someone through the server: they are listed with their tracks, connected once ICE is, and gone when they leave', async () => {
    const serverUrl = await meetingServer();
    const connections = fakeConnections();
    const join = async (name: string): Promise<CallSession> => {
      const session = new CallSession({ serverUrl, room: 'seam', name, media: cameraAndMicrophone(), createConnection: connections.create, create: {} });
      cleanup.push(() => session.dispose());
      await session.join();
      return session;
    };
    const ada = await join('Ada');
    const bob = await join('Bob');
    const adaId = ada.state.get().self!.id;
    const bobId = bob.state.get().self!.id;
    await vi.waitFor(() => expect(ada.state.get().participants.map((p) => p.name)).toEqual(['Bob']));
    expect(bob.state.get().participants.map((p) => p.name)).toEqual(['Ada']);

    // Bob (the newcomer) offered, Ada answered: both connections negotiated.
    await vi.waitFor(() => {
      expect(ada.connectionTo(bobId)?.signalingState).toBe('stable');
      expect(bob.connectionTo(adaId)?.remoteDescription?.type).toBe('answer');
    });
    expect(ada.state.get().participants[0]).toMatchObject({ connection: 'connecting', tracks: { audio: expect.anything(), video: expect.anything() } });
    for (const [session, other] of [
      [ada, bobId],
      [bob, adaId],
    ] as const) {
      connections.fakeOf(session.connectionTo(other)).setIceState('checking');
      connections.fakeOf(session.connectionTo(other)).setIceState('connected');
    }
    expect(ada.state.get().participants[0]?.connection).toBe('connected');
    expect(bob.state.get().participants[0]?.connection).toBe('connected');

    const toBob = ada.connectionTo(bobId);
    await bob.leave();
    await vi.waitFor(() => expect(ada.state.get().participants).toEqual([]));
    expect(toBob?.signalingState).toBe('closed');
    expect(ada.connectionTo(bobId)).toBeUndefined();
  });
});
