import type { JoinTarget } from './hosting';

/** What the renderer tells main about the meeting it is in (for the tray and close-to-tray). */
export interface MeetingReport {
  stage: 'home' | 'prejoin' | 'meeting' | 'left';
  /** The person's display name, when known. */
  name: string;
  room: string | null;
  server: string | null;
  /** Everyone in the meeting, this person included (0 when not in one). */
  participants: number;
  micEnabled: boolean;
  cameraEnabled: boolean;
}

/** What main asks the renderer to do (from the tray). */
export type MeetingCommand =
  | { kind: 'mute' }
  | { kind: 'unmute' }
  | { kind: 'camera-on' }
  | { kind: 'camera-off' }
  | { kind: 'leave' }
  | { kind: 'home' }
  /**
   * Join this meeting; `autojoin` skips the pre-join screen (the host joining their own meeting),
   * `start` starts it if nobody runs it yet (the host's own meeting).
   */
  | { kind: 'join'; target: JoinTarget; autojoin: boolean; start?: boolean };

export interface MeetingChannels {
  'meeting:report': { args: [report: MeetingReport]; result: void };
}

export const MEETING_CHANNELS = ['meeting:report'] as const satisfies ReadonlyArray<keyof MeetingChannels>;

export interface MeetingEvents {
  'meeting:command': MeetingCommand;
}

export interface MeetingApi {
  report(report: MeetingReport): Promise<void>;
}
