import type { ReactElement } from 'react';
import type { CallSession } from '../call/call-session';
import type { LocalMedia } from '../call/local-media';

/**
 * Extra buttons for the meeting's control bar that come with the capture and recording features
 * (record, add a source). Mounted by MeetingScreen; filled in by those features.
 */
export function MeetingTools(_props: { session: CallSession; media: LocalMedia }): ReactElement | null {
  return null;
}
