import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeetingRecordSummary, MeetingRecordView } from '@roundtable/signaling-server/protocol';
import { MeetingRecordDialog } from './MeetingRecordDialog';
import './MeetingRecord.css';

export interface PastMeetingsSource {
  list: () => Promise<MeetingRecordSummary[]>;
  open: (id: string) => Promise<MeetingRecordView>;
  remove: (id: string) => Promise<void>;
  /** Calls back when the list may have changed (e.g. the desktop stopped hosting); returns the unsubscribe. */
  changes?: (listener: () => void) => () => void;
}

/** Meetings we hosted on this server (their records), to open or delete; nothing shows when there are none. */
export function PastMeetings({ source }: { source: PastMeetingsSource }): ReactElement | null {
  const { t, i18n } = useTranslation();
  const [meetings, setMeetings] = useState<MeetingRecordSummary[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = useCallback(() => {
    source.list().then(setMeetings, () => setMeetings([]));
  }, [source]);
  useEffect(refresh, [refresh]);
  useEffect(() => source.changes?.(refresh), [source, refresh]);
  const load = useCallback(() => source.open(open ?? ''), [source, open]);
  if (meetings.length === 0) return null;
  const time = (ms: number): string => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
  return (
    <section className="past-meetings" aria-label={t('pastMeetings.heading')} data-testid="past-meetings">
      <h2>{t('pastMeetings.heading')}</h2>
      <ul>
        {meetings.map((meeting) => (
          <li key={meeting.id} data-testid="past-meeting">
            <span>{t('pastMeetings.item', { code: meeting.code, time: time(meeting.startedAt), count: meeting.people })}</span>
            <button type="button" className="secondary small" data-testid="past-meeting-open" onClick={() => setOpen(meeting.id)}>
              {t('pastMeetings.open')}
            </button>
            <button
              type="button"
              className="secondary small"
              data-testid="past-meeting-delete"
              onClick={() => void source.remove(meeting.id).then(refresh, refresh)}
            >
              {t('pastMeetings.delete')}
            </button>
          </li>
        ))}
      </ul>
      {open !== null && <MeetingRecordDialog load={load} onClose={() => setOpen(null)} />}
    </section>
  );
}
