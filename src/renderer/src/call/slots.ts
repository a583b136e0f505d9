/**
 * Every peer connection carries the same four transceivers, in this order, from its first offer:
 * the microphone, the camera, a screen share and its audio. Turning any of them on or off later
 * is a `replaceTrack`, never a renegotiation.
 */
export const SLOTS = ['audio', 'video', 'screen', 'screenAudio'] as const;
export type Slot = (typeof SLOTS)[number];

export const SLOT_KIND: Record<Slot, 'audio' | 'video'> = {
  audio: 'audio',
  video: 'video',
  screen: 'video',
  screenAudio: 'audio',
};

export type SlotTracks = Record<Slot, MediaStreamTrack | null>;

export const noTracks = (): SlotTracks => ({ audio: null, video: null, screen: null, screenAudio: null });
