import type { MeetingEnded, SentAway } from '@roundtable/signaling-server/protocol';
import { t } from './i18n';

/**
 * Why the meeting ended for us, as the server said it: `meeting-ended` or `sent-away` (validated by
 * the signaling client), or `reason: null` with the call's own words when neither was heard.
 */
export type EndedReason = MeetingEnded | SentAway | { reason: null; message: string | null };

/**
 * The sentence for why we are out of the meeting, in the current language, worded from the
 * server's code (and the names that come with it). The server's `message` is English, for logs,
 * and never parsed. A server older than the codes sends none: its reason gets a generic wording.
 */
export function endedText(ended: EndedReason): string | null {
  switch (ended.reason) {
    case null:
      return ended.message;
    case 'ended-by-host':
    case 'host-stopped':
    case 'server-shutdown':
      return meetingEndedText(ended);
    case 'denied':
    case 'removed':
      return sentAwayText(ended);
  }
}

function meetingEndedText({ reason, code, meetingName }: MeetingEnded): string {
  switch (code ?? reason) {
    case 'ended-by-host':
      return t('ended.byHost');
    case 'host-stopped':
      return meetingName ? t('ended.hostStopped', { meeting: meetingName }) : t('ended.hostStoppedUnnamed');
    case 'host-quit':
      return t('ended.hostQuit');
    case 'server-shutdown':
      return t('ended.serverShutdown');
  }
}

function sentAwayText({ reason, code, by }: SentAway): string {
  switch (code) {
    case 'denied':
      return t('ended.denied');
    case 'meeting-ended':
      return t('ended.endedWhileWaiting');
    case 'removed':
      return by ? t('ended.removedBy', { host: by }) : t('ended.removed');
    case undefined:
      // An older server: "denied" was also what someone waiting heard when the meeting ended.
      return reason === 'removed' ? t('ended.removed') : t('ended.notLetIn');
  }
}
