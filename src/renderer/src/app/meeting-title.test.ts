import { describe, expect, it } from 'vitest';
import { meetingTitle } from './meeting-title';

describe('meetingTitle', () => {
  it('names the meeting, then the app', () => {
    expect(meetingTitle({ room: 'ocean-ladder', recording: false, sharing: false })).toBe('ocean-ladder – Roundtable');
  });
  it('says first that the meeting is recorded, or that one shares one’s screen', () => {
    expect(meetingTitle({ room: 'ocean-ladder', recording: true, sharing: false })).toBe('● Recording · ocean-ladder – Roundtable');
    expect(meetingTitle({ room: 'ocean-ladder', recording: false, sharing: true })).toBe('Sharing your screen · ocean-ladder – Roundtable');
    expect(meetingTitle({ room: 'ocean-ladder', recording: true, sharing: true })).toBe('● Recording · Sharing your screen · ocean-ladder – Roundtable');
  });
});
