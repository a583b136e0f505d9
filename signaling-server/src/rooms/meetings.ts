import { randomBytes } from 'node:crypto';
import { FILE_LIMITS, type MediaRoute, type MediaState, type RoomSettings, type WaitingPerson } from '../protocol/index.js';
import type { Ban, ChatUsage, MeetingRecord } from '../store/store.js';
import type { PasscodeHash } from './passcode.js';

/** Someone in the waiting room: not a member yet, their connection stays open. */
export interface Waiter extends WaitingPerson {
  socketId: string;
  session: string;
  media: MediaState;
}

/** The rules a meeting is created with. */
export interface MeetingRules {
  waitingRoom?: boolean | undefined;
  keepChat?: boolean | undefined;
}

/**
 * One meeting instance: made when someone starts a meeting under a code, gone when it ends. Its
 * random `instance` id owns its chat, so whoever starts a later meeting under the same code gets
 * none of it. Every rule here is the server's: the apps only show them.
 */
export interface Meeting {
  code: string;
  instance: string;
  createdAt: number;
  hostId: string | null;
  locked: boolean;
  waitingRoom: boolean;
  /** The hash, or the hash being made (a join waits for it: no passcode is skipped while it is made). */
  passcode: PasscodeHash | Promise<PasscodeHash> | null;
  /** Keep the chat after the meeting ends (for the host, and whoever the host lets in next time). */
  keepChat: boolean;
  /** Everyone who came in properly: they may reconnect without the lock, passcode or waiting room. */
  allowed: Set<string>;
  banned: Map<string, Ban>;
  waiting: Map<string, Waiter>;
  /** Seats held for joins still being checked (a passcode being verified), counted against the room size. */
  reserved: number;
  chat: ChatUsage;
  /** The largest file people may share in its chat (the host may lower it; 0: no files). */
  maxFileBytes: number;
  /** How its media travels: a mesh at first, through the SFU from the server's `sfuFrom` size on (rooms/media-route.ts). */
  route: MediaRoute;
  /** Its record (records/journal.ts), once it has one. */
  recordId?: string;
  /**
   * Taken over from a node that died (cluster/routing.ts): the messages up to `upToSeq` were stored
   * by it, and it may have died before posting the last of them. Such a message sent again is posted
   * again (once: the apps keep messages by id, so a second copy changes nothing there).
   */
  inherited?: { upToSeq: number; reposted: Set<string> };
  /** While set, the meeting goes on with nobody in it: its host (or, after a restart, its people) may be back. */
  grace?: ReturnType<typeof setTimeout>;
}

/** Who starts and stops waiting in a meeting's waiting room. */
export interface WaitingWatcher {
  waiterAdded(meeting: Meeting, waiter: Waiter): void;
  waiterRemoved(meeting: Meeting, id: string): void;
}

const newInstanceId = (): string => randomBytes(16).toString('base64url');

/**
 * Every meeting the server knows: the live ones by code, the kept ones (ended, chat kept for their
 * host) by code, and who waits where. Pure bookkeeping like the room registry: no sockets.
 */
export class MeetingBook {
  private readonly live = new Map<string, Meeting>();
  private readonly kept = new Map<string, MeetingRecord>();
  private readonly waitingSockets = new Map<string, { code: string; id: string }>();
  /** People waiting for a meeting that has not started (or that only its host may start again). */
  private readonly lobby = new Map<string, Set<string>>();
  private readonly lobbySockets = new Map<string, string>();
  private watcher: WaitingWatcher | undefined;

  /** `fileCap`: the server's limit on a shared file, each meeting's until its host sets less. */
  constructor(readonly fileCap: number = FILE_LIMITS.maxFileBytes) {}

  get(code: string): Meeting | undefined {
    return this.live.get(code);
  }

  /** The live meeting instance `instance`, if it still runs. */
  byInstance(instance: string): Meeting | undefined {
    for (const meeting of this.live.values()) if (meeting.instance === instance) return meeting;
    return undefined;
  }

  all(): Meeting[] {
    return [...this.live.values()];
  }

  /** The kept (ended) meeting under `code`, if any: only its host may start it again. */
  keptUnder(code: string): MeetingRecord | undefined {
    return this.kept.get(code);
  }

  keptRecords(): MeetingRecord[] {
    return [...this.kept.values()];
  }

  keep(record: MeetingRecord): void {
    this.kept.set(record.code, record);
  }

  forgetKept(instance: string): void {
    for (const [code, record] of this.kept) if (record.instance === instance) this.kept.delete(code);
  }

  /** A new meeting instance under `code`, hosted by `hostId`. */
  create(code: string, hostId: string, now: number, rules: MeetingRules = {}): Meeting {
    const meeting: Meeting = {
      code,
      instance: newInstanceId(),
      createdAt: now,
      hostId,
      locked: false,
      waitingRoom: rules.waitingRoom ?? false,
      passcode: null,
      keepChat: rules.keepChat ?? false,
      allowed: new Set([hostId]),
      banned: new Map(),
      waiting: new Map(),
      reserved: 0,
      chat: { messages: 0, bytes: 0 },
      maxFileBytes: this.fileCap,
      route: 'mesh',
    };
    this.live.set(code, meeting);
    return meeting;
  }

  /** Brings back a meeting from its record: a kept one its host starts again, or a live one after a restart. */
  restore(record: MeetingRecord, chat: ChatUsage): Meeting {
    this.kept.delete(record.code);
    const meeting: Meeting = {
      code: record.code,
      instance: record.instance,
      createdAt: record.createdAt,
      hostId: record.hostId,
      locked: record.locked,
      waitingRoom: record.waitingRoom,
      passcode: record.passcode ? { salt: Buffer.from(record.passcode.salt, 'base64'), hash: Buffer.from(record.passcode.hash, 'base64') } : null,
      keepChat: record.keepChat,
      allowed: new Set(record.allowed),
      banned: new Map(record.banned.map((ban) => [ban.id, ban])),
      waiting: new Map(),
      reserved: 0,
      chat,
      maxFileBytes: Math.min(record.maxFileBytes ?? this.fileCap, this.fileCap),
      route: 'mesh',
      ...(record.recordId !== undefined ? { recordId: record.recordId } : {}),
    };
    this.live.set(record.code, meeting);
    return meeting;
  }

  /** Takes the meeting out (it ended); whoever waited in its waiting room is returned. */
  drop(code: string): Meeting | undefined {
    const meeting = this.live.get(code);
    if (!meeting) return undefined;
    clearTimeout(meeting.grace);
    for (const waiter of meeting.waiting.values()) this.waitingSockets.delete(waiter.socketId);
    this.live.delete(code);
    return meeting;
  }

  /** Told who starts and stops waiting (a cluster saves it for a node that may take the meeting over). */
  watch(watcher: WaitingWatcher): void {
    this.watcher = watcher;
  }

  addWaiter(meeting: Meeting, waiter: Waiter): void {
    meeting.waiting.set(waiter.id, waiter);
    this.waitingSockets.set(waiter.socketId, { code: meeting.code, id: waiter.id });
    this.watcher?.waiterAdded(meeting, waiter);
  }

  removeWaiter(meeting: Meeting, id: string): Waiter | undefined {
    const waiter = meeting.waiting.get(id);
    if (!waiter) return undefined;
    meeting.waiting.delete(id);
    this.waitingSockets.delete(waiter.socketId);
    this.watcher?.waiterRemoved(meeting, id);
    return waiter;
  }

  waiterBySocket(socketId: string): { meeting: Meeting; waiter: Waiter } | undefined {
    const entry = this.waitingSockets.get(socketId);
    const meeting = entry && this.live.get(entry.code);
    const waiter = meeting?.waiting.get(entry!.id);
    return meeting && waiter ? { meeting, waiter } : undefined;
  }

  waitingList(meeting: Meeting): WaitingPerson[] {
    return [...meeting.waiting.values()].sort((a, b) => a.since - b.since).map(({ id, name, since }) => ({ id, name, since }));
  }

  /** Someone waits for `code` to start. */
  enterLobby(code: string, socketId: string): void {
    this.leaveLobby(socketId);
    let sockets = this.lobby.get(code);
    if (!sockets) this.lobby.set(code, (sockets = new Set()));
    sockets.add(socketId);
    this.lobbySockets.set(socketId, code);
  }

  /** Whether `socketId` was waiting for a meeting to start (and no longer is). */
  leaveLobby(socketId: string): boolean {
    const code = this.lobbySockets.get(socketId);
    if (code === undefined) return false;
    this.lobbySockets.delete(socketId);
    const sockets = this.lobby.get(code);
    sockets?.delete(socketId);
    if (sockets?.size === 0) this.lobby.delete(code);
    return true;
  }

  inLobby(socketId: string): boolean {
    return this.lobbySockets.has(socketId);
  }

  /** Everyone who waited for `code` to start: they are told, and ask to join again. */
  takeLobby(code: string): string[] {
    const sockets = [...(this.lobby.get(code) ?? [])];
    for (const socketId of sockets) this.lobbySockets.delete(socketId);
    this.lobby.delete(code);
    return sockets;
  }

  settings(meeting: Meeting | undefined): RoomSettings {
    return {
      hostId: meeting?.hostId ?? null,
      locked: meeting?.locked ?? false,
      waitingRoom: meeting?.waitingRoom ?? false,
      hasPasscode: Boolean(meeting?.passcode),
      keepChat: meeting?.keepChat ?? false,
      files: { maxBytes: meeting?.maxFileBytes ?? this.fileCap, capBytes: this.fileCap },
    };
  }
}

/** What the store keeps of a live meeting (the passcode hash has been made by the time this is called). */
export async function toRecord(meeting: Meeting): Promise<MeetingRecord> {
  const passcode = meeting.passcode ? await meeting.passcode : null;
  return {
    code: meeting.code,
    instance: meeting.instance,
    hostId: meeting.hostId,
    createdAt: meeting.createdAt,
    locked: meeting.locked,
    waitingRoom: meeting.waitingRoom,
    passcode: passcode ? { salt: passcode.salt.toString('base64'), hash: passcode.hash.toString('base64') } : null,
    keepChat: meeting.keepChat,
    maxFileBytes: meeting.maxFileBytes,
    allowed: [...meeting.allowed],
    banned: [...meeting.banned.values()],
    state: 'live',
    keepUntil: null,
    ...(meeting.recordId !== undefined ? { recordId: meeting.recordId } : {}),
  };
}
