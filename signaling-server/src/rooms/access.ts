import type { MediaState, RoomSettings, WaitingPerson } from '../protocol/index.js';
import type { PasscodeHash } from './passcode.js';

/** Someone in the waiting room: not a member yet, their connection stays open. */
export interface Waiter extends WaitingPerson {
  socketId: string;
  session: string;
  media: MediaState;
}

/** Who may come into one meeting, and who decides. */
export interface RoomPolicy {
  hostId: string | null;
  locked: boolean;
  waitingRoom: boolean;
  passcode: PasscodeHash | null;
  /** Everyone who came in properly: they may reconnect without the lock, passcode or waiting room. */
  allowed: Set<string>;
  waiting: Map<string, Waiter>;
  /** Hands the host role on if the host does not come back in time. */
  hostGrace?: ReturnType<typeof setTimeout>;
}

/** The access rules of every meeting; pure bookkeeping like the room registry. */
export class RoomPolicies {
  private readonly rooms = new Map<string, RoomPolicy>();
  private readonly waitingSockets = new Map<string, { room: string; id: string }>();

  get(room: string): RoomPolicy | undefined {
    return this.rooms.get(room);
  }

  /** A new meeting, with its first participant as host. */
  create(room: string, hostId: string): RoomPolicy {
    const policy: RoomPolicy = { hostId, locked: false, waitingRoom: false, passcode: null, allowed: new Set([hostId]), waiting: new Map() };
    this.rooms.set(room, policy);
    return policy;
  }

  drop(room: string): RoomPolicy | undefined {
    const policy = this.rooms.get(room);
    if (!policy) return undefined;
    clearTimeout(policy.hostGrace);
    for (const waiter of policy.waiting.values()) this.waitingSockets.delete(waiter.socketId);
    this.rooms.delete(room);
    return policy;
  }

  addWaiter(room: string, waiter: Waiter): void {
    this.rooms.get(room)?.waiting.set(waiter.id, waiter);
    this.waitingSockets.set(waiter.socketId, { room, id: waiter.id });
  }

  removeWaiter(room: string, id: string): Waiter | undefined {
    const policy = this.rooms.get(room);
    const waiter = policy?.waiting.get(id);
    if (!policy || !waiter) return undefined;
    policy.waiting.delete(id);
    this.waitingSockets.delete(waiter.socketId);
    return waiter;
  }

  waiterBySocket(socketId: string): { room: string; waiter: Waiter } | undefined {
    const entry = this.waitingSockets.get(socketId);
    const waiter = entry && this.rooms.get(entry.room)?.waiting.get(entry.id);
    return entry && waiter ? { room: entry.room, waiter } : undefined;
  }

  settings(room: string): RoomSettings {
    const policy = this.rooms.get(room);
    return {
      hostId: policy?.hostId ?? null,
      locked: policy?.locked ?? false,
      waitingRoom: policy?.waitingRoom ?? false,
      hasPasscode: Boolean(policy?.passcode),
    };
  }

  waitingList(room: string): WaitingPerson[] {
    return [...(this.rooms.get(room)?.waiting.values() ?? [])].sort((a, b) => a.since - b.since).map(({ id, name, since }) => ({ id, name, since }));
  }
}
