import { FIRST_OFFER_SLOTS, noTracks, SLOTS, SLOT_KIND, type Slot, type SlotTracks } from '../slots';

/**
 * Makes the mesh's connections. The default is the browser's own; the unit tests give a fake
 * (test-support/fake-peer-connection.ts), since Node has no WebRTC.
 */
export type ConnectionFactory = (config: RTCConfiguration) => RTCPeerConnection;

/** Looks RTCPeerConnection up when called, so that whatever the page put there by then is used. */
export const browserConnection: ConnectionFactory = (config) => new RTCPeerConnection(config);

export interface ConnectionChoices {
  iceServers: RTCIceServer[];
  /** Gather only relay candidates (through TURN): our addresses never reach the other side. */
  relayOnly?: boolean;
}

export function connectionConfig({ iceServers, relayOnly }: ConnectionChoices): RTCConfiguration {
  return { iceServers, iceTransportPolicy: relayOnly ? 'relay' : 'all', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
}

/**
 * The first offer's transceivers, in SLOTS order, sending what we have: the microphone and the
 * camera always, the screen slots only while we share.
 */
export function addSlotTransceivers(pc: RTCPeerConnection, tracks: SlotTracks, stream: MediaStream): void {
  let added = 0;
  for (const [index, slot] of SLOTS.entries()) {
    const track = tracks[slot];
    // A screen slot lands at its place only if the ones before it are there.
    if (!FIRST_OFFER_SLOTS.includes(slot) && !(track && added === index)) continue;
    pc.addTransceiver(track ?? SLOT_KIND[slot], { direction: 'sendrecv', streams: [stream] });
    added += 1;
  }
}

/**
 * Adds, once the first negotiation is done, the transceiver of a slot the first offer left out,
 * sending `track`, if the slots before it exist (it must land at its slot's place).
 * - `addTrack`, not `addTransceiver`: if the other side adds the same slot at the same moment,
 *   the side that yields takes theirs over for its track instead of adding one more.
 * - Not before: `addTrack` also takes over a transceiver of the same kind that has never sent and
 *   has no track, such as a camera slot not negotiated yet while the camera is off.
 */
export function addLaterSlot(pc: RTCPeerConnection, slot: Slot, track: MediaStreamTrack, stream: MediaStream): void {
  if (pc.currentRemoteDescription && pc.getTransceivers().length === SLOTS.indexOf(slot)) pc.addTrack(track, stream);
}

/** The transceiver of one slot, if the connection has it yet. */
export function slotTransceiver(pc: RTCPeerConnection, slot: Slot): RTCRtpTransceiver | undefined {
  return pc.getTransceivers()[SLOTS.indexOf(slot)];
}

/**
 * Each slot's receiving track. A transceiver's track is there from the moment it exists (muted
 * until media comes), and stays: the offering side knows them before the answer, the answering
 * side once it applied the offer. Reading them beats 'track' events, which come one per slot,
 * each followed by the page's reaction, in the same task that completes the negotiation.
 */
export function receivedTracks(pc: RTCPeerConnection): SlotTracks {
  const tracks = noTracks();
  const transceivers = pc.getTransceivers();
  for (const [index, slot] of SLOTS.entries()) tracks[slot] = transceivers[index]?.receiver.track ?? null;
  return tracks;
}
