import { type RtcConfig } from 'node-datachannel';
import { type MediaSlot } from '../../protocol/sfu.js';
import { type SfuEvent, type SfuProcessOptions } from '../control.js';
import { type ViewSize } from './layers.js';
import { LoudestSelector } from './loudest.js';
import { Publisher } from './publisher.js';
import { readPublishOffer } from './sdp.js';
import { AudioSource, type Counters, type Source, type SourceKey, VideoSource, isVideoSlot, sourceKey } from './sources.js';
import { Subscriber } from './subscriber.js';

/** Layers, key frames still awaited and the loudest speakers are looked at this often. */
const TICK_MS = 250;

export interface MeetingHost {
  readonly counters: Counters;
  readonly options: SfuProcessOptions;
  readonly config: RtcConfig;
  emit(event: SfuEvent): void;
}

class Member {
  publisher: Publisher | null = null;
  subscriber: Subscriber | null = null;
  readonly views = new Map<SourceKey, ViewSize>();
  muted = false;
  revision = 0;
  /** Commands of this member that wait on the stack, one after another. */
  queue: Promise<unknown> = Promise.resolve();
  constructor(readonly id: string) {}
}

/**
 * One meeting instance's router. Media goes only between its members: each member's publishing
 * connection feeds the meeting's sources (one per member and slot), and each member's receiving
 * connection forwards everyone else's.
 */
export class Meeting {
  private readonly members = new Map<string, Member>();
  private readonly sources = new Map<SourceKey, Source>();
  private readonly loudest = new LoudestSelector();
  /** Whose microphone is forwarded when only the loudest are (null: everyone's). */
  private audible: ReadonlySet<string> | null = null;
  private readonly timer: NodeJS.Timeout;
  private ended = false;

  constructor(
    readonly id: string,
    private readonly host: MeetingHost,
  ) {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  get publishers(): number {
    let count = 0;
    for (const member of this.members.values()) if (member.publisher) count++;
    return count;
  }

  get subscribers(): number {
    let count = 0;
    for (const member of this.members.values()) if (member.subscriber) count++;
    return count;
  }

  get empty(): boolean {
    return this.members.size === 0;
  }

  /** A member's offer for their publishing connection: resolves with the answer. */
  publish(memberId: string, sdp: string, fresh: boolean, slots: readonly { mid: string; slot: MediaSlot }[]): Promise<string> {
    const member = this.member(memberId);
    return this.serially(member, async () => {
      const bySlot = new Map<MediaSlot, string>();
      for (const { mid, slot } of slots) {
        if (bySlot.has(slot)) throw new Error(`slot ${slot} is given twice`);
        bySlot.set(slot, mid);
      }
      const mids = new Map(slots.map(({ mid, slot }) => [mid, slot] as const));
      if (mids.size !== slots.length) throw new Error('a mid is given twice');
      const offer = readPublishOffer(sdp, [...mids.keys()]);
      for (const media of offer.media) {
        const slot = mids.get(media.mid);
        if (slot && (media.kind === 'video') !== isVideoSlot(slot)) throw new Error(`mid ${media.mid} is ${media.kind}, not ${slot}`);
      }
      const existing = member.publisher;
      const replace = fresh || !existing || existing.iceUfrag !== offer.iceUfrag;
      const publisher = replace
        ? new Publisher(`publisher-${memberId}`, this.host.config, {
            counters: this.host.counters,
            source: (slot) => this.sources.get(sourceKey(memberId, slot)),
            audible: (slot) => this.isAudible(member, slot),
            hear: (loudness, at) => this.loudest.hear(memberId, loudness, at),
            lost: () => this.log('info', `the publishing connection of ${memberId} closed`),
          })
        : existing!;
      let answer: string;
      try {
        answer = await publisher.negotiate(offer, mids);
        if (this.ended || this.members.get(memberId) !== member) throw new Error('the member left');
      } catch (error) {
        // A new connection that failed is dropped; the one before goes on as it was.
        if (replace) publisher.close();
        throw error;
      }
      if (replace) {
        existing?.close();
        member.publisher = publisher;
      }
      this.updateSources(member, publisher, new Set(bySlot.keys()), replace, performance.now());
      return answer;
    });
  }

  /** A new receiving connection for a member: its offer follows as an event. */
  /**
   * A new receiving connection for the member; with `resume`, the one it has is kept if there is
   * one (its signaling dropped and came back), and only an offer it did not answer goes again.
   */
  subscribe(memberId: string, resume = false): void {
    const member = this.member(memberId);
    if (resume && member.subscriber) return member.subscriber.resend();
    member.subscriber?.close();
    const subscriber = new Subscriber(
      `subscriber-${memberId}`,
      this.host.config,
      {
        nextRevision: () => ++member.revision,
        offer: (offer) => {
          if (member.subscriber === subscriber && !this.ended) this.host.emit({ t: 'offer', meeting: this.id, member: memberId, ...offer });
        },
        log: (level, message) => this.log(level, `${memberId}: ${message}`),
      },
      member.views,
    );
    member.subscriber = subscriber;
    subscriber.sync(this.wantedBy(memberId), performance.now());
  }

  answer(memberId: string, sdp: string, revision: number): void {
    const subscriber = this.members.get(memberId)?.subscriber;
    if (!subscriber) {
      this.log('warn', `an answer from ${memberId}, who has no receiving connection`);
      return;
    }
    subscriber.answer(sdp, revision, performance.now());
  }

  view(memberId: string, views: readonly { from: string; slot: 'video' | 'screen'; width: number; height: number }[]): void {
    const member = this.member(memberId);
    member.views.clear();
    for (const { from, slot, width, height } of views) member.views.set(sourceKey(from, slot), { width, height });
    const now = performance.now();
    member.subscriber?.evaluate(now);
    this.tellLayers(now);
  }

  mute(memberId: string, muted: boolean): void {
    this.member(memberId).muted = muted;
  }

  leave(memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.members.delete(memberId);
    member.publisher?.close();
    member.subscriber?.close();
    member.publisher = null;
    member.subscriber = null;
    const gone = [...this.sources.values()].filter((s) => s.member === memberId);
    for (const source of gone) this.sources.delete(sourceKey(source.member, source.slot));
    this.loudest.forget(memberId);
    this.syncAll();
    for (const source of gone) source.close();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    for (const member of this.members.values()) {
      member.publisher?.close();
      member.subscriber?.close();
    }
    for (const source of this.sources.values()) source.close();
    this.members.clear();
    this.sources.clear();
  }

  private member(id: string): Member {
    let member = this.members.get(id);
    if (!member) {
      member = new Member(id);
      this.members.set(id, member);
    }
    return member;
  }

  private serially<T>(member: Member, task: () => Promise<T>): Promise<T> {
    const run = member.queue.then(task, task);
    member.queue = run.catch(() => undefined);
    return run;
  }

  /** The member publishes `slots` now, on `publisher` (a new connection if `replaced`). */
  private updateSources(member: Member, publisher: Publisher, slots: ReadonlySet<MediaSlot>, replaced: boolean, now: number): void {
    let changed = false;
    for (const slot of slots) {
      const key = sourceKey(member.id, slot);
      let source = this.sources.get(key);
      if (!source) {
        source = isVideoSlot(slot)
          ? new VideoSource(member.id, slot, this.host.counters)
          : new AudioSource(member.id, slot as 'audio' | 'screenAudio', this.host.counters);
        this.sources.set(key, source);
        changed = true;
      } else if (replaced) {
        source.reset();
        for (const other of this.members.values()) other.subscriber?.restartSource(key, now);
      }
      if (source.kind === 'video') source.requestKeyframe = (ssrc) => publisher.requestKeyframe(ssrc);
    }
    const gone = [...this.sources.values()].filter((s) => s.member === member.id && !slots.has(s.slot));
    for (const source of gone) this.sources.delete(sourceKey(source.member, source.slot));
    if (changed || gone.length) this.syncAll();
    for (const source of gone) source.close();
  }

  /** Everything a member receives: every other member's sources. */
  private wantedBy(memberId: string): Map<SourceKey, Source> {
    const wanted = new Map<SourceKey, Source>();
    for (const [key, source] of this.sources) if (source.member !== memberId) wanted.set(key, source);
    return wanted;
  }

  private syncAll(): void {
    const now = performance.now();
    for (const member of this.members.values()) member.subscriber?.sync(this.wantedBy(member.id), now);
  }

  private isAudible(member: Member, slot: MediaSlot): boolean {
    if (slot !== 'audio') return true;
    return !member.muted && (this.audible === null || this.audible.has(member.id));
  }

  private tick(): void {
    const now = performance.now();
    const speakers = [...this.members.values()].filter((m) => this.sources.has(sourceKey(m.id, 'audio')));
    if (speakers.length > this.host.options.loudestOnlyFrom) {
      const candidates = speakers.filter((m) => !m.muted).map((m) => m.id);
      this.audible = this.loudest.select(candidates, this.host.options.loudest, now);
    } else this.audible = null;
    for (const member of this.members.values()) member.subscriber?.evaluate(now);
    this.tellLayers(now);
  }

  /** Tells each publisher which layers of its camera and screen anyone is shown (layer-demand.ts). */
  private tellLayers(now: number): void {
    const receivers = [...this.members.values()].filter((m) => m.subscriber);
    for (const [key, source] of this.sources) {
      if (source.kind !== 'video') continue;
      const views = receivers.filter((m) => m.id !== source.member).map((m) => m.views.get(key));
      const active = source.demand.update(views, source.layerStates(now), now);
      if (active) this.host.emit({ t: 'layers', meeting: this.id, member: source.member, slot: source.slot, active });
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.host.emit({ t: 'log', level, message: `meeting ${this.id}: ${message}`.slice(0, 1000) });
  }
}
