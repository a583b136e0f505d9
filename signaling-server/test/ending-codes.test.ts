import { describe, expect, it } from 'vitest';
import { SERVER_EVENT_SCHEMAS } from '../src/protocol/index.js';

const meetingEnded = SERVER_EVENT_SCHEMAS['meeting-ended'];
const sentAway = SERVER_EVENT_SCHEMAS['sent-away'];

describe('why a meeting ended, or someone was sent away, as clients read it', () => {
  it('carries a code and the names it needs', () => {
    expect(meetingEnded.parse({ reason: 'host-stopped', code: 'host-quit', meetingName: 'Standup', message: 'The host quit Roundtable.' })).toEqual({
      reason: 'host-stopped',
      code: 'host-quit',
      meetingName: 'Standup',
      message: 'The host quit Roundtable.',
    });
    expect(sentAway.parse({ reason: 'removed', code: 'removed', by: 'Ada', message: 'Ada removed you from the meeting.' })).toMatchObject({
      code: 'removed',
      by: 'Ada',
    });
  });

  it("reads an older server's message, without a code, as it was", () => {
    expect(meetingEnded.safeParse({ reason: 'ended-by-host', message: 'The host ended the meeting for everyone.' })).toMatchObject({
      success: true,
      data: { reason: 'ended-by-host', message: 'The host ended the meeting for everyone.' },
    });
    expect(sentAway.parse({ reason: 'denied', message: 'The host did not let you into the meeting.' }).code).toBeUndefined();
  });

  it("reads a code it does not know yet (a newer server's) as none, and still refuses what is malformed", () => {
    const newer = meetingEnded.parse({ reason: 'server-shutdown', code: 'moved-elsewhere', message: 'x' });
    expect(newer.reason).toBe('server-shutdown');
    expect(newer.code).toBeUndefined();
    expect(sentAway.parse({ reason: 'removed', code: 42, message: 'x' }).code).toBeUndefined();
    expect(meetingEnded.safeParse({ reason: 'host-quit', message: 'x' }).success).toBe(false);
    expect(meetingEnded.safeParse({ reason: 'ended-by-host', message: 'x', extra: true }).success).toBe(false);
    expect(sentAway.safeParse({ reason: 'removed', message: 'x', by: 'A'.repeat(201) }).success).toBe(false);
  });
});
