import { describe, expect, it } from 'vitest';
import type { MeetingCommand, MeetingReport } from '@shared/ipc/meeting';
import { MeetingLink } from './meeting-link';

const report: MeetingReport = { stage: 'meeting', name: 'Ada', room: 'x', server: 'https://h:1', participants: 2, micEnabled: true, cameraEnabled: true };

describe('the meeting link between main and the renderer', () => {
  it('holds commands until the renderer has reported, then delivers them in order', () => {
    const sent: MeetingCommand[] = [];
    const link = new MeetingLink((command) => sent.push(command));
    link.command({ kind: 'home' });
    link.command({ kind: 'mute' });
    expect(sent).toEqual([]);
    link.receive(report);
    expect(sent).toEqual([{ kind: 'home' }, { kind: 'mute' }]);
    link.command({ kind: 'leave' });
    expect(sent.at(-1)).toEqual({ kind: 'leave' });
    expect(link.inMeeting).toBe(true);
    link.forget();
    expect(link.inMeeting).toBe(false);
    link.command({ kind: 'unmute' });
    expect(sent).toHaveLength(3);
  });
});
