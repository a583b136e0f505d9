import { SLOTS } from '../call/slots';
import { summarizeStats, type LinkStats } from '../call/stats';
import type { AppController } from './app-controller';

/**
 * A read-only window onto the running call, as `window.roundtable` — for people debugging a
 * meeting from the devtools console, and for the end-to-end tests.
 */
export interface Diagnostics {
  selfId(): string | null;
  /** Who hosts the meeting, as this participant knows it. */
  hostId(): string | null;
  participants(): Array<{ id: string; name: string; connection: RTCPeerConnectionState }>;
  stats(participantId: string): Promise<LinkStats | null>;
  /** How the meeting's media travels (null: not in a meeting). */
  route(): 'mesh' | 'sfu' | null;
  /** The state of the connection to one participant, for working out why a tile shows no video. */
  link(participantId: string): Promise<LinkDescription | null>;
}

export interface LinkDescription {
  signaling: RTCSignalingState;
  ice: RTCIceConnectionState;
  connection: RTCPeerConnectionState;
  /** Whether the camera sender is allowed to send (the mesh budget turns it off for peers that hide us). */
  cameraActive: boolean | null;
  /** What the camera sender sends from: null when it has no track. */
  sentVideoTrack: { enabled: boolean; readyState: MediaStreamTrackState } | null;
  receivedVideoTrack: { muted: boolean; readyState: MediaStreamTrackState } | null;
  /** How many media sections (m-lines) the connection negotiated: one per slot it carries. */
  mediaSections: number;
  stats: LinkStats;
}

export function installDiagnostics(controller: AppController): void {
  const session = () => controller.state.get().session;
  const diagnostics: Diagnostics = {
    selfId: () => session()?.state.get().self?.id ?? null,
    hostId: () => session()?.state.get().settings.hostId ?? null,
    participants: () => {
      const call = session();
      return call?.state.get().participants.map(({ id, name }) => ({ id, name, connection: call.connectionTo(id)?.connectionState ?? 'new' })) ?? [];
    },
    stats: async (id) => {
      const report = await session()?.statsOf(id);
      return report ? summarizeStats(report) : null;
    },
    route: () => session()?.state.get().route ?? null,
    link: async (id) => {
      const pc = session()?.connectionTo(id);
      if (!pc) return null;
      const camera = pc.getTransceivers()[SLOTS.indexOf('video')];
      const track = camera?.receiver.track;
      const sent = camera?.sender.track;
      return {
        signaling: pc.signalingState,
        ice: pc.iceConnectionState,
        connection: pc.connectionState,
        cameraActive: camera?.sender.getParameters().encodings?.[0]?.active ?? null,
        sentVideoTrack: sent ? { enabled: sent.enabled, readyState: sent.readyState } : null,
        receivedVideoTrack: track ? { muted: track.muted, readyState: track.readyState } : null,
        mediaSections: pc.remoteDescription?.sdp.match(/^m=/gm)?.length ?? 0,
        stats: summarizeStats(await pc.getStats()),
      };
    },
  };
  Object.defineProperty(window, 'roundtable', { value: Object.freeze(diagnostics), configurable: false, writable: false });
}
