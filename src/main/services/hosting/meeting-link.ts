import { EventEmitter } from 'node:events';
import type { MeetingCommand, MeetingReport } from '@shared/ipc/meeting';

/**
 * Main's view of the meeting the renderer is in (for the tray and close-to-tray), and the way
 * commands reach it. Commands sent before the renderer has reported anything (a window that is
 * still loading) wait, and go out when it first reports.
 */
export class MeetingLink {
  readonly events = new EventEmitter<{ report: [MeetingReport | null] }>();
  private current: MeetingReport | null = null;
  private pending: MeetingCommand[] = [];

  constructor(private readonly send: (command: MeetingCommand) => void) {}

  get report(): MeetingReport | null {
    return this.current;
  }

  get inMeeting(): boolean {
    return this.current?.stage === 'meeting';
  }

  /** A (validated) report from the renderer. */
  receive(report: MeetingReport): void {
    this.current = report;
    for (const command of this.pending.splice(0)) this.send(command);
    this.events.emit('report', report);
  }

  /** The renderer went away (reload, window destroyed): wait for it to report again. */
  forget(): void {
    this.current = null;
    this.events.emit('report', null);
  }

  command(command: MeetingCommand): void {
    if (this.current) this.send(command);
    else this.pending.push(command);
  }
}
