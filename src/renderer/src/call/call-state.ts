import type { BanList, HostNotice, MediaRoute, MediaState, Reaction, RoomSettings, WaitingPerson } from '@roundtable/signaling-server/protocol';
import type { RemoteParticipant } from './participants';

/**
 * `waiting`: in the waiting room until the host lets us in; `sent-away`: the host turned us away or
 * removed us; `ended`: the meeting ended for everyone.
 */
export type CallPhase = 'idle' | 'joining' | 'waiting' | 'joined' | 'reconnecting' | 'left' | 'sent-away' | 'ended' | 'failed';

/** A meeting as this participant sees it (CallSession keeps it; React renders it). */
export interface CallState {
  phase: CallPhase;
  error: string | null;
  self: { id: string; name: string } | null;
  room: string;
  /** Everyone else, in order of joining. */
  participants: readonly RemoteParticipant[];
  local: MediaState;
  /** When this participant raised their hand, or null. */
  hand: number | null;
  /** This participant is recording the meeting (as the server knows it). */
  recording: boolean;
  /** The room's rules: who hosts, locked, waiting room, passcode. */
  settings: RoomSettings;
  /** For the host: who is in the waiting room, longest waiting first. */
  waiting: readonly WaitingPerson[];
  /** For the host: who was removed (and is kept out until let back). */
  banned: BanList['banned'];
  /** What the host asked of us or did to us, newest last, until dismissed. */
  notices: readonly (HostNotice & { key: string })[];
  /** Why joining failed, for the screens that can fix it (a passcode prompt). */
  errorCode: string | null;
  /** Reactions of the last few seconds, for the bursts on tiles. */
  reactions: readonly (Reaction & { key: string })[];
  /** How the meeting's media travels: peer to peer, or through the meeting server's SFU (decrypted there). */
  route: MediaRoute;
}

/** Before joining: nobody else, nothing known of the room's rules, the media peer to peer. */
export function initialCallState(room: string, local: MediaState): CallState {
  return {
    phase: 'idle',
    error: null,
    self: null,
    room,
    participants: [],
    local,
    hand: null,
    recording: false,
    settings: { hostId: null, locked: false, waitingRoom: false, hasPasscode: false, keepChat: false },
    waiting: [],
    banned: [],
    notices: [],
    errorCode: null,
    reactions: [],
    route: 'mesh',
  };
}
