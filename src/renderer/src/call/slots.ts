/**
 * What a peer connection carries, one transceiver per slot, in this order on both sides: the
 * microphone, the camera, a screen share and its audio. The first offer has only the microphone
 * and the camera: every further m-line costs both sides time while the call is set up (the
 * screen slots made joining about 25 ms slower). A connection gets the screen slots, with a
 * renegotiation, the first time either side shares (and at once when one is sharing as the
 * connection is made); from then on they stay. Turning a slot on or off is a `replaceTrack`.
 */
export const SLOTS = ['audio', 'video', 'screen', 'screenAudio'] as const;
export type Slot = (typeof SLOTS)[number];

/** The slots every connection's first offer carries. */
export const FIRST_OFFER_SLOTS: readonly Slot[] = ['audio', 'video'];

export const SLOT_KIND: Record<Slot, 'audio' | 'video'> = {
  audio: 'audio',
  video: 'video',
  screen: 'video',
  screenAudio: 'audio',
};

export type SlotTracks = Record<Slot, MediaStreamTrack | null>;

export const noTracks = (): SlotTracks => ({ audio: null, video: null, screen: null, screenAudio: null });
