import type { CallConnections } from './call-connections';
import { MeshTransport } from './mesh/mesh-transport';
import { RoutedTransport } from './routed-transport';
import { firstMedia } from './sfu/first-media';
import { sfuSignalingThrough } from './sfu/sfu-signaling';
import { SfuTransport } from './sfu/sfu-transport';
import type { SignalingClient } from './signaling-client';
import type { CallTransport, TransportContext } from './transport';

export interface MeetingTransportChoices {
  /** STUN/TURN servers until the meeting server hands out its own. */
  iceServers: RTCIceServer[];
  /** Media only through the meeting's TURN relay: the others never learn our addresses. */
  relayOnly: boolean;
  /** Budget each peer's video by how it shows us. */
  budget: boolean;
}

/**
 * How a meeting's media travels: a mesh, which moves to the meeting server's SFU when the server
 * says so (RoutedTransport hands each person over once their media arrives through the SFU).
 */
export function meetingTransport(
  context: TransportContext,
  signaling: SignalingClient,
  connections: CallConnections,
  choices: MeetingTransportChoices,
): CallTransport {
  const createConnection = connections.create;
  return new RoutedTransport(
    new MeshTransport(context, { ...choices, createConnection }),
    () => new SfuTransport(context, sfuSignalingThrough(signaling), { iceServers: choices.iceServers, createConnection }),
    (track) => firstMedia(track, () => connections.receiverOf(track)),
    (to, body) => context.send(to, body),
  );
}

/** Relays a transport's message to one participant through the signaling server. */
export function relaySignal(signaling: SignalingClient): TransportContext['send'] {
  return (to, body) =>
    signaling.send(
      'signal',
      { to, ...body },
      // A lost view report is not worth a warning: the next one says it again.
      body.kind === 'view'
        ? undefined
        : (error) => {
            if (error.code !== 'not-found') console.warn(`signal to ${to} failed: ${error.message}`);
          },
    );
}
