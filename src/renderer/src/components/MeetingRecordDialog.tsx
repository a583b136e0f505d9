import { useEffect, useId, useRef, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeetingRecordView } from '@roundtable/signaling-server/protocol';
import { download, recordFileName, recordToCsv, recordToJson } from '../records/csv';
import { Dialog } from './Dialog';
import './MeetingRecord.css';

interface Props {
  /** Fetches the record (from the server that held the meeting). */
  load: () => Promise<MeetingRecordView>;
  onClose: () => void;
}

const seconds = (ms: number): string => `${Math.round(ms / 1000)}`;

/** A meeting's record for its host: who came and left when, waits, speaking time, quality (round trip, loss, share of time video was degraded), recordings, files; exported as CSV or JSON. */
export function MeetingRecordDialog({ load, onClose }: Props): ReactElement {
  const { t, i18n } = useTranslation();
  const [record, setRecord] = useState<MeetingRecordView | null>(null);
  const [failed, setFailed] = useState(false);
  const titleId = useId();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (loaded) => live && setRecord(loaded),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [load]);
  const time = (ms: number | null): string =>
    ms === null ? '—' : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(ms));
  return (
    <Dialog labelledBy={titleId} className="card record-card" testId="meeting-record-dialog" initialFocus={close} onClose={onClose}>
      <h2 id={titleId}>{t('meetingRecord.title')}</h2>
      {failed && <p role="alert">{t('meetingRecord.failed')}</p>}
      {!record && !failed && <p>{t('meetingRecord.loading')}</p>}
      {record && (
        <>
          <p data-testid="meeting-record-times">
            {t('meetingRecord.started', { time: time(record.startedAt) })}
            {' · '}
            {record.endedAt === null ? t('meetingRecord.running') : t('meetingRecord.ended', { time: time(record.endedAt) })}
            {' · '}
            {t('meetingRecord.files', { count: record.filesShared })}
          </p>
          <div className="record-table-wrap">
            <table className="record-table" data-testid="meeting-record-table">
              <thead>
                <tr>
                  <th>{t('meetingRecord.name')}</th>
                  <th>{t('meetingRecord.joined')}</th>
                  <th>{t('meetingRecord.left')}</th>
                  <th>{t('meetingRecord.waited')}</th>
                  <th>{t('meetingRecord.speaking')}</th>
                  <th>{t('meetingRecord.rtt')}</th>
                  <th>{t('meetingRecord.loss')}</th>
                  <th>{t('meetingRecord.degraded')}</th>
                  <th>{t('meetingRecord.recordings')}</th>
                  <th>{t('meetingRecord.filesShared')}</th>
                </tr>
              </thead>
              <tbody>
                {record.people.map((person) => (
                  <tr key={person.id} data-testid="meeting-record-row">
                    <td>{person.name}</td>
                    <td>{person.stints.map((s) => time(s.joinedAt)).join(', ') || '—'}</td>
                    <td>{person.stints.map((s) => time(s.leftAt)).join(', ') || '—'}</td>
                    <td>
                      {person.waits
                        .map((w) =>
                          t(w.outcome === 'admitted' ? 'meetingRecord.admitted' : w.outcome === 'denied' ? 'meetingRecord.denied' : 'meetingRecord.gaveUp', {
                            seconds: seconds(w.waitedMs),
                          }),
                        )
                        .join(', ') || '—'}
                    </td>
                    <td>{t('meetingRecord.seconds', { seconds: seconds(person.speakingMs) })}</td>
                    <td>{person.quality.medianRttMs === null ? '—' : Math.round(person.quality.medianRttMs)}</td>
                    <td>{person.quality.lossPct === null ? '—' : person.quality.lossPct.toFixed(1)}</td>
                    <td data-testid="meeting-record-degraded">
                      {person.quality.degradedShare === null ? '—' : Math.round(person.quality.degradedShare * 100)}
                    </td>
                    <td>{person.recordings.length}</td>
                    <td data-testid="meeting-record-files">{person.filesShared}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div className="row end">
        {record && (
          <>
            <button
              type="button"
              className="secondary"
              data-testid="record-export-json"
              onClick={() => download(recordFileName(record, 'json'), recordToJson(record), 'application/json')}
            >
              {t('meetingRecord.exportJson')}
            </button>
            <button
              type="button"
              className="secondary"
              data-testid="record-export-csv"
              onClick={() => download(recordFileName(record, 'csv'), recordToCsv(record), 'text/csv')}
            >
              {t('meetingRecord.exportCsv')}
            </button>
          </>
        )}
        <button ref={close} type="button" data-testid="record-close" onClick={onClose}>
          {t('meetingRecord.close')}
        </button>
      </div>
    </Dialog>
  );
}
