import type { MediaState } from '@roundtable/signaling-server/protocol';
import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter';
import type { LocalMediaEvents } from './local-media';
import { LocalSending, type CallMedia } from './local-sending';
import { fakeStream, fakeTrack } from './test-support/fake-media';

function sending() {
  const media: { -readonly [K in keyof CallMedia]: CallMedia[K] } = {
    events: new Emitter<LocalMediaEvents>(),
    stream: fakeStream(),
    audioTrack: fakeTrack('audio'),
    videoTrack: null,
    micEnabled: true,
    cameraEnabled: true,
    setMicEnabled: () => undefined,
    setCameraEnabled: async () => undefined,
  };
  const screen: { videoTrack: MediaStreamTrack | null; audioTrack: MediaStreamTrack | null } = { videoTrack: null, audioTrack: null };
  const told: MediaState[] = [];
  return { media, screen, told, local: new LocalSending(media, screen, (state) => told.push(state)) };
}

describe('what the meeting server knows of our media', () => {
  it('says a camera that is still opening is off, and on once it sends', () => {
    const { media, local } = sending();
    expect(local.state()).toEqual({ audio: true, video: false, screen: false });
    media.videoTrack = fakeTrack('video');
    expect(local.state()).toEqual({ audio: true, video: true, screen: false });
    media.micEnabled = false;
    expect(local.state().audio).toBe(false);
  });

  it('tells only what the join request did not carry, once', () => {
    const { media, told, local } = sending();
    expect(local.forJoin()).toEqual({ audio: true, video: false, screen: false });
    local.announce();
    expect(told).toEqual([]);
    // The camera finished opening while the request was on its way.
    media.videoTrack = fakeTrack('video');
    local.announce();
    local.announce();
    expect(told).toEqual([{ audio: true, video: true, screen: false }]);
  });

  it('puts the screen share in its own slots', () => {
    const { screen, local } = sending();
    screen.videoTrack = fakeTrack('video');
    expect(local.tracks().screen).toBe(screen.videoTrack);
    expect(local.state().screen).toBe(true);
  });
});
