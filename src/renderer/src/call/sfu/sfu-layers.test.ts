/**
 * The layers our camera is sent in through the SFU: the encoder runs only for those the SFU says
 * someone is shown (the server's side: signaling-server/test/sfu-control.test.ts).
 */
import type { SfuLayers } from '@roundtable/signaling-server/protocol';
import { describe, expect, it } from 'vitest';
import { noTracks, type SlotTracks } from '../slots';
import { fakeStream, fakeTrack } from '../test-support/fake-media';
import { FakeSender } from '../test-support/fake-rtp';
import type { TransportContext } from '../transport';
import type { SfuSignaling } from './sfu-signaling';
import { SfuTransport } from './sfu-transport';

/** The sending connection as far as layers go: transceivers with the fakes' senders; the offer never comes. */
class SendingConnection extends EventTarget {
  readonly senders: FakeSender[] = [];
  addTransceiver(trackOrKind: MediaStreamTrack | string, init: RTCRtpTransceiverInit) {
    const sender = new FakeSender(typeof trackOrKind === 'string' ? null : (trackOrKind as never), init.sendEncodings);
    this.senders.push(sender);
    return { mid: null, sender };
  }
  createOffer(): Promise<never> {
    return new Promise(() => undefined);
  }
  close(): void {}
}

function transport() {
  const made: SendingConnection[] = [];
  const createConnection = () => {
    const pc = new SendingConnection();
    made.push(pc);
    return pc as unknown as RTCPeerConnection;
  };
  let layers: ((layers: SfuLayers) => void) | null = null;
  const signaling: SfuSignaling = {
    // The SFU's answer never comes: what is set before it is what the encoder does.
    publish: () => new Promise(() => undefined),
    subscribe: () => new Promise(() => undefined),
    answer: () => undefined,
    view: () => undefined,
    onOffer: () => () => undefined,
    onLayers: (listener) => {
      layers = listener;
      return () => (layers = null);
    },
  };
  const tracks: SlotTracks = { ...noTracks(), audio: fakeTrack('audio', 'mic'), video: fakeTrack('video', 'camera') };
  const context: TransportContext = {
    send: () => undefined,
    localTracks: () => tracks,
    localStream: fakeStream(),
    isListed: () => true,
    othersCount: () => 1,
    isJoined: () => true,
  };
  const sfu = new SfuTransport(context, signaling, { iceServers: [], createConnection });
  void sfu.start('ada', []);
  // The sending connection is the one with the camera (the receiving one has no senders).
  const camera = () => made.flatMap((pc) => pc.senders).find((s) => (s.track as unknown) === tracks.video)!;
  const active = () =>
    camera()
      .getParameters()
      .encodings.map((e) => `${e.rid}:${e.active}`);
  return { sfu, camera, active, tell: (told: SfuLayers) => layers!(told) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the camera through the SFU', () => {
  it('is sent in every layer until the SFU says which anyone is shown, then only in those', async () => {
    const { sfu, camera, active, tell } = transport();
    await settle();
    expect(active()).toEqual(['q:true', 'h:true', 'f:true']);

    tell({ slot: 'video', active: [true, false, false] });
    await settle();
    expect(active()).toEqual(['q:true', 'h:false', 'f:false']);

    // Someone pins us: the largest layer again, the others as they were.
    tell({ slot: 'video', active: [true, false, true] });
    await settle();
    expect(active()).toEqual(['q:true', 'h:false', 'f:true']);

    // Told what it does already, the sender is left alone (no new parameters).
    const transaction = camera().getParameters().transactionId;
    tell({ slot: 'video', active: [true, false, true] });
    await settle();
    expect(camera().getParameters().transactionId).toBe(transaction);
    // The screen is not being shared: nothing to do, and the camera is left as it is.
    tell({ slot: 'screen', active: [true, false, false] });
    await settle();
    expect(active()).toEqual(['q:true', 'h:false', 'f:true']);
    expect(camera().getParameters().transactionId).toBe(transaction);
    sfu.close();
  });
});
