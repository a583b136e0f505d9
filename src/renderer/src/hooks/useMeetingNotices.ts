import { useEffect, useMemo } from 'react';
import type { CallState } from '../call/call-session';
import { NoticeFeed, type Toast } from './notice-feed';
import { useStore } from './useStore';

export interface MeetingNotices {
  toasts: readonly Toast[];
  dismiss: (key: string) => void;
  /** The pointer or focus entered (`true`) or left a notice. */
  hold: (key: string, held: boolean) => void;
}

/**
 * The meeting's notices, from the call's state: host notices (which the session keeps until
 * `onHostNoticeGone` forgets them), a new host, people who came and went (NoticeFeed).
 */
export function useMeetingNotices(call: CallState, onHostNoticeGone: (key: string) => void): MeetingNotices {
  const feed = useMemo(() => new NoticeFeed(), []);
  useEffect(() => feed.onHostNoticeGone(onHostNoticeGone), [feed, onHostNoticeGone]);
  useEffect(() => () => feed.dispose(), [feed]);

  useEffect(() => feed.syncHostNotices(call.notices), [feed, call.notices]);
  const selfId = call.self?.id ?? null;
  useEffect(
    () => feed.observe({ phase: call.phase, selfId, hostId: call.settings.hostId, people: call.participants }),
    [feed, call.phase, selfId, call.settings.hostId, call.participants],
  );

  const toasts = useStore(feed.state);
  return useMemo(() => ({ toasts, dismiss: (key: string) => feed.dismiss(key), hold: (key: string, held: boolean) => feed.hold(key, held) }), [toasts, feed]);
}
