import type { SlotTracks } from '../slots';
import { addSlotTransceivers, connectionConfig, type ConnectionChoices, type ConnectionFactory } from './slot-transceivers';

/**
 * A prepared offer older than this is not used: its candidates were gathered for the network we
 * were on then (a laptop that moved meanwhile would only find out through a slow ICE restart).
 */
const MAX_AGE_MS = 120_000;

interface Pending {
  connection: Promise<RTCPeerConnection | null>;
  iceServers: string;
  at: number;
}

/**
 * A connection for the first person we will offer to, made before we know who that is: its
 * certificate, transceivers and offer are ready, and its candidates gathered (into the offer), by
 * the time we join. Nothing leaves the page until a PeerLink takes it over (`prepared`).
 */
export async function prepareOffer(
  choices: ConnectionChoices,
  tracks: SlotTracks,
  stream: MediaStream,
  createConnection: ConnectionFactory,
): Promise<RTCPeerConnection> {
  const pc = createConnection(connectionConfig(choices));
  try {
    addSlotTransceivers(pc, tracks, stream);
    await pc.setLocalDescription();
    return pc;
  } catch (error) {
    pc.close();
    throw error;
  }
}

/**
 * The connection for the first person we will offer to, made while the user is still on the
 * pre-join screen: creating it, its transceivers and its offer is work that otherwise sits between
 * the join and the first offer. At most one waits; whatever is not used is closed.
 */
export class OfferInWaiting {
  private pending: Pending | null = null;

  constructor(private readonly createConnection: ConnectionFactory) {}

  /** Starts preparing (once): with the ICE servers we know of now, sending `tracks`. */
  prepare(iceServers: RTCIceServer[], tracks: SlotTracks, stream: MediaStream): void {
    if (this.pending) return;
    this.pending = {
      connection: prepareOffer({ iceServers }, tracks, stream, this.createConnection).catch(() => null),
      iceServers: JSON.stringify(iceServers),
      at: performance.now(),
    };
  }

  /**
   * The prepared connection, if there is one made for `iceServers` that is recent enough; anything
   * else waiting is closed. Waits for one still being prepared: that is sooner than starting over.
   */
  async take(iceServers: RTCIceServer[]): Promise<RTCPeerConnection | null> {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return null;
    const connection = await pending.connection;
    const fits = pending.iceServers === JSON.stringify(iceServers) && performance.now() - pending.at <= MAX_AGE_MS;
    if (connection && fits && connection.signalingState === 'have-local-offer') return connection;
    connection?.close();
    return null;
  }

  discard(): void {
    const pending = this.pending;
    this.pending = null;
    void pending?.connection.then((connection) => connection?.close());
  }
}
