import type { MediaState, Participant } from '@roundtable/signaling-server/protocol';
import { noTracks, SLOTS, type SlotTracks } from './slots';
import type { ConnectionStatus, RemotePeer } from './transport';

export interface RemoteParticipant {
  id: string;
  name: string;
  joinedAt: number;
  media: MediaState;
  /** When they raised their hand (server time), or null. */
  hand: number | null;
  /** They are recording the meeting. */
  recording: boolean;
  host: boolean;
  /** What arrives from them, by slot; a track exists once negotiated even while they send nothing. */
  tracks: SlotTracks;
  connection: ConnectionStatus;
  /** The server lost them but their media still reaches us: they are probably on their way back. */
  away: boolean;
}

/** Where the list lives: the session's state, so that React sees one snapshot of the whole call. */
export interface ParticipantListHome {
  get(): readonly RemoteParticipant[];
  set(list: readonly RemoteParticipant[]): void;
}

/** How long someone the server lost, but whose media still flows, keeps their tile. */
const AWAY_GRACE_MS = 20_000;
/**
 * Someone the server lost, from whom nothing has arrived for this long, is gone. With the server's
 * own detection (at most 8 s) this keeps a 5 s network blip from removing anyone, and removes a
 * machine that went to sleep within 10 s.
 */
const AWAY_SILENT_MS = 8_000;
const AWAY_CHECK_MS = 250;

/**
 * Everyone else in the meeting, in order of joining: who they are and what they do as the server
 * tells it (the join reply, arrivals, updates, departures), and what the transport says of their
 * media (tracks, connection). A change that leaves someone as they were makes no new list: each new
 * list renders the meeting again, and a join brings a burst of them.
 */
export class ParticipantList {
  /** Each participant's session: a known id with a new one started over (a reload). */
  private readonly sessions = new Map<string, string>();
  /** After a reconnect: those the server no longer listed, who have until the grace timer to come back. */
  private awaitingReturn = new Set<string>();
  private graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly home: ParticipantListHome) {}

  get all(): readonly RemoteParticipant[] {
    return this.home.get();
  }

  find(id: string): RemoteParticipant | undefined {
    return this.all.find((p) => p.id === id);
  }

  has(id: string): boolean {
    return this.find(id) !== undefined;
  }

  /**
   * Adds someone the server lists, or updates them when already known. Answers whether they
   * started over (a known id with a new session: a reload), in which case what arrived from them
   * before is gone.
   */
  upsert(participant: Participant): { restarted: boolean } {
    this.awaitingReturn.delete(participant.id);
    const knownSession = this.sessions.get(participant.id);
    const restarted = knownSession !== undefined && knownSession !== participant.session;
    this.sessions.set(participant.id, participant.session);
    const existing = this.find(participant.id);
    const next: RemoteParticipant = {
      id: participant.id,
      name: participant.name,
      joinedAt: participant.joinedAt,
      media: participant.media,
      hand: participant.hand,
      recording: participant.recording,
      host: participant.host,
      tracks: existing && !restarted ? existing.tracks : noTracks(),
      connection: existing && !restarted ? existing.connection : 'connecting',
      away: false,
    };
    const list = this.all;
    this.home.set(sortByJoin(existing ? list.map((p) => (p.id === next.id ? next : p)) : [...list, next]));
    return { restarted };
  }

  /** Their public state changed (media, hand, recording, host). */
  update(p: Participant): void {
    this.change(p.id, (known) => ({ ...known, name: p.name, media: p.media, hand: p.hand, recording: p.recording, host: p.host }));
  }

  remove(id: string): void {
    this.awaitingReturn.delete(id);
    this.sessions.delete(id);
    this.home.set(this.all.filter((p) => p.id !== id));
  }

  /** What the transport says arrives from them; a slot it says nothing of keeps what we knew. */
  setTracks(id: string, tracks: Partial<SlotTracks>): void {
    this.change(id, (p) => {
      const next = { ...p.tracks };
      for (const slot of SLOTS) next[slot] = tracks[slot] ?? next[slot];
      return { ...p, tracks: SLOTS.every((slot) => next[slot] === p.tracks[slot]) ? p.tracks : next };
    });
  }

  setConnection(id: string, connection: ConnectionStatus): void {
    this.change(id, (p) => ({ ...p, connection }));
  }

  /** The transport started over with them: nothing of theirs until new tracks come. */
  restartMedia(id: string): void {
    this.change(id, (p) => ({ ...p, tracks: noTracks(), connection: 'connecting' }));
  }

  /**
   * The server lost touch with them (`timed-out`), but they may be on their way back (a network
   * blip, a signaling hiccup): they stay, marked away, until nothing has come from them through
   * `peer` for AWAY_SILENT_MS (a machine asleep, a network gone for good), or AWAY_GRACE_MS pass;
   * then `remove`. The watch ends once they are back, or `peer` is no longer what carries them.
   */
  keepWhileHeard(id: string, peer: RemotePeer, current: () => RemotePeer | undefined, remove: () => void): void {
    this.change(id, (p) => ({ ...p, away: true }));
    const until = Date.now() + AWAY_GRACE_MS;
    const away = (): boolean => this.find(id)?.away === true;
    const check = async (): Promise<void> => {
      if (!away() || current() !== peer) return;
      const silent = await peer.silentForMs();
      if (!away()) return;
      if (silent >= AWAY_SILENT_MS || Date.now() >= until) remove();
      else setTimeout(() => void check(), AWAY_CHECK_MS);
    };
    void check();
  }

  /**
   * After a reconnect, the server listed `listed`. The others we knew may still be on their way
   * back: whoever has not reappeared after `graceMs` is gone (`remove`). Their tiles stay meanwhile.
   */
  awaitReturn(listed: ReadonlySet<string>, graceMs: number, remove: (id: string) => void): void {
    this.awaitingReturn = new Set(this.all.map((p) => p.id).filter((id) => !listed.has(id)));
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => {
      for (const id of this.awaitingReturn) remove(id);
    }, graceMs);
  }

  /** The call is over: no more timers, no memory of sessions. */
  clear(): void {
    clearTimeout(this.graceTimer);
    this.sessions.clear();
  }

  private change(id: string, change: (p: RemoteParticipant) => RemoteParticipant): void {
    const before = this.find(id);
    if (!before) return;
    const after = change(before);
    if ((Object.keys(after) as Array<keyof RemoteParticipant>).every((key) => Object.is(after[key], before[key]))) return;
    this.home.set(this.all.map((p) => (p.id === id ? after : p)));
  }
}

function sortByJoin(list: RemoteParticipant[]): RemoteParticipant[] {
  return list.sort((a, b) => a.joinedAt - b.joinedAt);
}
