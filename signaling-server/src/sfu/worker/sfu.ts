import { type RtcConfig } from 'node-datachannel';
import { type SfuCommand, SfuCommandSchema, type SfuEvent, SfuEventSchema, type SfuProcessOptions, type SfuStats } from '../control.js';
import { rtcConfig } from './connection.js';
import { Meeting } from './meeting.js';
import { type Counters } from './sources.js';

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * The SFU process's state: its meetings, by instance id. Every command is checked against the
 * contract (control.ts) before it touches anything; a bad one is refused (`failed` when it has a
 * request id, else a warning in the log) and changes nothing.
 */
export class Sfu {
  private readonly meetings = new Map<string, Meeting>();
  private readonly counters: Counters = { rtpIn: 0, rtpOut: 0, keyframeRequests: 0, layerSwitches: 0 };
  private readonly config: RtcConfig;

  constructor(
    private readonly options: SfuProcessOptions,
    private readonly send: (event: SfuEvent) => void,
  ) {
    this.config = rtcConfig(options);
  }

  /** One message from the server, as it came over the IPC channel. */
  receive(raw: unknown): void {
    const parsed = SfuCommandSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const why = `a bad command was ignored: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid'}`;
      const req = typeof raw === 'object' && raw !== null && 'req' in raw ? (raw as { req: unknown }).req : undefined;
      if (typeof req === 'number' && Number.isInteger(req) && req >= 0) this.emit({ t: 'failed', req, message: why });
      else this.emit({ t: 'log', level: 'warn', message: why });
      return;
    }
    try {
      this.handle(parsed.data);
    } catch (error) {
      const req = 'req' in parsed.data ? parsed.data.req : undefined;
      if (req !== undefined) this.emit({ t: 'failed', req, message: errorMessage(error) });
      else this.emit({ t: 'log', level: 'warn', message: `${parsed.data.t} failed: ${errorMessage(error)}` });
    }
  }

  stats(): SfuStats {
    let publishers = 0;
    let subscribers = 0;
    for (const meeting of this.meetings.values()) {
      publishers += meeting.publishers;
      subscribers += meeting.subscribers;
    }
    return { meetings: this.meetings.size, publishers, subscribers, ...this.counters };
  }

  /** Closes every connection. */
  close(): void {
    for (const meeting of this.meetings.values()) meeting.end();
    this.meetings.clear();
  }

  private handle(command: SfuCommand): void {
    switch (command.t) {
      case 'publish': {
        const { req, member } = command;
        this.meeting(command.meeting)
          .publish(member, command.sdp, command.fresh, command.slots)
          .then(
            (sdp) => this.emit({ t: 'reply', req, sdp }),
            (error: unknown) => this.emit({ t: 'failed', req, message: errorMessage(error) }),
          );
        return;
      }
      case 'subscribe':
        this.meeting(command.meeting).subscribe(command.member, command.resume ?? false);
        return;
      case 'answer': {
        const meeting = this.meetings.get(command.meeting);
        if (!meeting) throw new Error(`no meeting ${command.meeting}`);
        meeting.answer(command.member, command.sdp, command.revision);
        return;
      }
      case 'view':
        this.meeting(command.meeting).view(command.member, command.views);
        return;
      case 'mute':
        this.meeting(command.meeting).mute(command.member, command.muted);
        return;
      case 'leave': {
        const meeting = this.meetings.get(command.meeting);
        meeting?.leave(command.member);
        if (meeting?.empty) {
          meeting.end();
          this.meetings.delete(command.meeting);
        }
        return;
      }
      case 'end':
        this.meetings.get(command.meeting)?.end();
        this.meetings.delete(command.meeting);
        return;
      case 'stats':
        this.emit({ t: 'reply', req: command.req, stats: this.stats() });
        return;
    }
  }

  private meeting(id: string): Meeting {
    let meeting = this.meetings.get(id);
    if (!meeting) {
      meeting = new Meeting(id, { counters: this.counters, options: this.options, config: this.config, emit: (event) => this.emit(event) });
      this.meetings.set(id, meeting);
    }
    return meeting;
  }

  /** Every event is checked against the contract before it leaves (e.g. an SDP too long to relay). */
  private emit(event: SfuEvent): void {
    const checked = SfuEventSchema.safeParse(event);
    if (checked.success) this.send(checked.data);
    else
      this.send({ t: 'log', level: 'error', message: `an event was not sent (${event.t}): ${checked.error.issues[0]?.message ?? 'invalid'}`.slice(0, 1000) });
  }
}
