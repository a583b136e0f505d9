import { randomBytes } from 'node:crypto';
import { RECORD_LIMITS, type MeetingRecordSummary, type MeetingRecordView, type MeetingStats } from '../protocol/index.js';
import type { Logger } from '../logger.js';
import type { LogPerson, MeetingLog, RecordStore } from '../store/store.js';

/** What the journal needs of a meeting (rooms/meetings.ts Meeting). */
export interface JournalMeeting {
  instance: string;
  code: string;
  createdAt: number;
  hostId: string | null;
  /** Set by the journal when the meeting's record starts (kept with the meeting, to go on after a restart). */
  recordId?: string;
}

/** How soon after a change a running meeting's record is written (changes in between share the write). */
const SAVE_AFTER_MS = 1_000;

/**
 * Keeps each running meeting's record (who came and left when, who waited how long, speaking time,
 * quality, recordings, files) and writes it to the store: soon after each change, at once when the
 * meeting ends. Called from the rooms' own code paths (membership, leaving, admit/deny, recording,
 * files, the end of a meeting); reading and deleting is records/handlers.ts, for the host only.
 */
export class MeetingJournal {
  private readonly live = new Map<string, MeetingLog>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lastStats = new Map<string, number>();

  constructor(
    private readonly store: RecordStore,
    private readonly now: () => number,
    private readonly retentionMs: number,
    private readonly log: Logger,
  ) {}

  /** The running meeting's record id (made when its record starts). */
  recordId(meeting: JournalMeeting): string {
    return this.logOf(meeting).id;
  }

  joined(meeting: JournalMeeting, member: { id: string; name: string; host: boolean }): void {
    const log = this.logOf(meeting);
    const person = this.person(log, member.id, member.name);
    if (!person) return;
    const last = person.stints.at(-1);
    if (!last || last.leftAt !== null) push(person.stints, { joinedAt: this.now(), leftAt: null });
    if (member.host) addHost(log, member.id);
    this.changed(log);
  }

  left(meeting: JournalMeeting, id: string): void {
    const log = this.live.get(meeting.instance);
    const person = log?.people.find((p) => p.id === id);
    if (!log || !person) return;
    closeOpen(person, this.now());
    this.changed(log);
  }

  /** Someone's wait in the waiting room is over: let in, turned away, or they gave up. */
  waited(meeting: JournalMeeting, waiter: { id: string; name: string; since: number }, outcome: 'admitted' | 'denied' | 'left'): void {
    const log = this.logOf(meeting);
    const person = this.person(log, waiter.id, waiter.name);
    if (!person) return;
    push(person.waits, { since: waiter.since, until: this.now(), outcome });
    this.changed(log);
  }

  hostIs(meeting: JournalMeeting, id: string | null): void {
    if (id === null) return;
    const log = this.logOf(meeting);
    addHost(log, id);
    this.changed(log);
  }

  recording(meeting: JournalMeeting, member: { id: string; name: string }, active: boolean): void {
    const log = this.logOf(meeting);
    const person = this.person(log, member.id, member.name);
    if (!person) return;
    const open = person.recordings.at(-1);
    if (active && (!open || open.stoppedAt !== null)) push(person.recordings, { startedAt: this.now(), stoppedAt: null });
    if (!active && open && open.stoppedAt === null) open.stoppedAt = this.now();
    this.changed(log);
  }

  fileShared(instance: string, uploader: { id: string; name: string }): void {
    const log = this.live.get(instance);
    const person = log && this.person(log, uploader.id, uploader.name);
    if (!log || !person) return;
    person.files += 1;
    this.changed(log);
  }

  /** A client's report; false when it came sooner than RECORD_LIMITS.statsEveryMs after the last. */
  stats(meeting: JournalMeeting, member: { id: string; name: string }, stats: MeetingStats): boolean {
    const at = this.now();
    const key = `${meeting.instance}/${member.id}`;
    const last = this.lastStats.get(key);
    if (last !== undefined && at - last < RECORD_LIMITS.statsEveryMs) return false;
    this.lastStats.set(key, at);
    const log = this.logOf(meeting);
    const person = this.person(log, member.id, member.name);
    if (!person) return true;
    // Nobody speaks for longer than they have been there since their last report.
    const since = last ?? person.stints.at(-1)?.joinedAt ?? at;
    person.speakingMs += Math.min(stats.speakingMs, Math.max(0, at - since) + 1_000);
    sample(person.samples.rttMs, stats.rttMs);
    sample(person.samples.lossPct, stats.lossPct);
    sample(person.samples.degradedShare, stats.degradedShare);
    this.changed(log);
    return true;
  }

  /** The meeting ended: everyone's stints close, and the record is kept for `retentionMs`. */
  finished(meeting: JournalMeeting): void {
    const log = this.live.get(meeting.instance);
    if (!log) return;
    const at = this.now();
    for (const person of log.people) closeOpen(person, at);
    log.endedAt = at;
    log.keepUntil = at + this.retentionMs;
    this.live.delete(meeting.instance);
    for (const key of this.lastStats.keys()) if (key.startsWith(`${meeting.instance}/`)) this.lastStats.delete(key);
    this.save(log);
  }

  /** After a restart: a running meeting's record goes on (what was open when the server stopped closes then). */
  async restore(meeting: JournalMeeting, recordId: string | undefined): Promise<void> {
    const log = recordId ? await this.store.get(recordId).catch(() => null) : null;
    if (!log || log.endedAt !== null) return;
    for (const person of log.people) closeOpen(person, log.savedAt);
    this.live.set(meeting.instance, log);
  }

  /** The record of `id`: the running one from memory, or one from the store. */
  async read(id: string): Promise<MeetingLog | null> {
    for (const log of this.live.values()) if (log.id === id) return structuredClone(log);
    return this.store.get(id);
  }

  async byHost(hostIds: string[]): Promise<MeetingLog[]> {
    const stored = await this.store.byHost(hostIds, RECORD_LIMITS.maxListed);
    const running = [...this.live.values()].filter((log) => log.hostIds.some((id) => hostIds.includes(id)));
    const ids = new Set(running.map((log) => log.id));
    return [...running.map((log) => structuredClone(log)), ...stored.filter((log) => !ids.has(log.id))];
  }

  /** Deletes a finished record (a running meeting's record is its host's to delete once it ends). */
  async delete(id: string): Promise<boolean> {
    for (const log of this.live.values()) if (log.id === id) return false;
    await this.store.delete(id);
    return true;
  }

  purgeExpired(now: number): Promise<number> {
    return this.store.purgeExpired(now);
  }

  /** Writes every running meeting's record now (the server is stopping). */
  async flush(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.live.values()].map((log) => this.write(log)));
  }

  private logOf(meeting: JournalMeeting): MeetingLog {
    let log = this.live.get(meeting.instance);
    if (!log) {
      log = {
        id: randomBytes(12).toString('base64url'),
        instance: meeting.instance,
        code: meeting.code,
        startedAt: this.now(),
        endedAt: null,
        hostIds: meeting.hostId ? [meeting.hostId] : [],
        people: [],
        keepUntil: null,
        savedAt: this.now(),
      };
      this.live.set(meeting.instance, log);
      meeting.recordId = log.id;
    }
    return log;
  }

  private person(log: MeetingLog, id: string, name: string): LogPerson | null {
    let person = log.people.find((p) => p.id === id);
    if (!person) {
      if (log.people.length >= RECORD_LIMITS.maxPeople) return null;
      person = { id, name, stints: [], waits: [], speakingMs: 0, samples: { rttMs: [], lossPct: [], degradedShare: [] }, recordings: [], files: 0 };
      log.people.push(person);
    }
    person.name = name;
    return person;
  }

  private changed(log: MeetingLog): void {
    if (this.timers.has(log.id)) return;
    const timer = setTimeout(() => {
      this.timers.delete(log.id);
      if ([...this.live.values()].includes(log)) void this.write(log);
    }, SAVE_AFTER_MS);
    timer.unref?.();
    this.timers.set(log.id, timer);
  }

  private save(log: MeetingLog): void {
    clearTimeout(this.timers.get(log.id));
    this.timers.delete(log.id);
    void this.write(log);
  }

  private async write(log: MeetingLog): Promise<void> {
    log.savedAt = this.now();
    await this.store.save(structuredClone(log)).catch((error: unknown) => this.log.error(`could not save the record of meeting ${log.instance}`, error));
  }
}

function push<T>(list: T[], entry: T): void {
  if (list.length < RECORD_LIMITS.maxEntries) list.push(entry);
}

function addHost(log: MeetingLog, id: string): void {
  if (!log.hostIds.includes(id)) log.hostIds.push(id);
}

function closeOpen(person: LogPerson, at: number): void {
  for (const stint of person.stints) if (stint.leftAt === null) stint.leftAt = at;
  for (const recording of person.recordings) if (recording.stoppedAt === null) recording.stoppedAt = at;
}

function sample(list: number[], value: number | null): void {
  if (value === null) return;
  list.push(value);
  if (list.length > RECORD_LIMITS.maxSamples) list.shift();
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The share of time video was degraded: the mean of each report's share (a median would call a third of the meeting degraded "none"). */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** What the host is shown (and exports): round trip and loss as medians, degraded video as a share of time, waits with their length, no raw samples. */
export function toView(log: MeetingLog): MeetingRecordView {
  return {
    id: log.id,
    code: log.code,
    startedAt: log.startedAt,
    endedAt: log.endedAt,
    keepUntil: log.keepUntil,
    filesShared: log.people.reduce((sum, p) => sum + p.files, 0),
    people: log.people.map((p) => ({
      id: p.id,
      name: p.name,
      host: log.hostIds.includes(p.id),
      stints: p.stints.map((s) => ({ ...s })),
      waits: p.waits.map((w) => ({ ...w, waitedMs: w.until - w.since })),
      speakingMs: p.speakingMs,
      quality: { medianRttMs: median(p.samples.rttMs), lossPct: median(p.samples.lossPct), degradedShare: mean(p.samples.degradedShare) },
      recordings: p.recordings.map((r) => ({ ...r })),
      filesShared: p.files,
    })),
  };
}

export function toSummary(log: MeetingLog): MeetingRecordSummary {
  return { id: log.id, code: log.code, startedAt: log.startedAt, endedAt: log.endedAt, people: log.people.filter((p) => p.stints.length > 0).length };
}
