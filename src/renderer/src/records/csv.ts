import type { MeetingRecordView } from '@roundtable/signaling-server/protocol';

/**
 * The CSV's columns: one row per person and stint (a wait that ended in no stint is a row of its
 * own). A person's totals (speaking, recordings, files) are on their first row only, so a column
 * adds up; the meeting's start and end are on every row, so each row stands on its own when sorted.
 */
export const CSV_COLUMNS = [
  'name',
  'joined',
  'left',
  'waited ms',
  'admitted/denied',
  'speaking ms',
  'median rtt ms',
  'loss %',
  'video degraded %',
  'recordings',
  'recorded ms',
  'files shared',
  'meeting started',
  'meeting ended',
] as const;

/**
 * A cell as CSV: quoted when it holds a comma, quote or line break, and never a formula — a cell
 * that starts with = + - @ (or a tab or carriage return) gets an apostrophe first, so a
 * spreadsheet shows it as text (a name like "=HYPERLINK(…)" does nothing).
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** How long a person recorded in all (a recording still running counts up to now). */
function recordedMs(person: MeetingRecordView['people'][number], now = Date.now()): number {
  return person.recordings.reduce((sum, r) => sum + Math.max(0, (r.stoppedAt ?? now) - r.startedAt), 0);
}

/** The record as CSV (RFC 4180: CRLF line ends), made in the client from the record's JSON. */
export function recordToCsv(record: MeetingRecordView): string {
  const rows: Array<Array<string | number | null>> = [[...CSV_COLUMNS]];
  const meeting = [iso(record.startedAt), iso(record.endedAt)];
  for (const person of record.people) {
    const { medianRttMs, lossPct, degradedShare } = person.quality;
    const rtt = medianRttMs === null ? null : Math.round(medianRttMs);
    const loss = lossPct === null ? null : Math.round(lossPct * 100) / 100;
    const degraded = degradedShare === null ? null : Math.round(degradedShare * 1000) / 10;
    const admitted = person.waits.find((w) => w.outcome === 'admitted');
    // What the person did, on their first row (a stint's, or a wait's when they never got in).
    const totals = (): Array<number | null> => [person.speakingMs, rtt, loss, degraded, person.recordings.length, recordedMs(person), person.filesShared];
    let first = true;
    const take = (): Array<number | null> => {
      const row = first ? totals() : totals().map(() => null);
      first = false;
      return row;
    };
    person.stints.forEach((stint, n) => {
      // The wait that let them in counts once, on their first stint.
      const wait = n === 0 ? admitted : undefined;
      rows.push([person.name, iso(stint.joinedAt), iso(stint.leftAt), wait?.waitedMs ?? null, wait ? 'admitted' : null, ...take(), ...meeting]);
    });
    for (const wait of person.waits.filter((w) => w.outcome !== 'admitted')) {
      rows.push([person.name, null, null, wait.waitedMs, wait.outcome, ...take(), ...meeting]);
    }
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The record as JSON: the server's record as it is (MeetingRecordSchema), times in ms since 1970 UTC. */
export function recordToJson(record: MeetingRecordView): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Offers `text` as a file download (the browser's own download, no server involved). */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name for the record: the meeting code and its start date. */
export function recordFileName(record: MeetingRecordView, extension: 'csv' | 'json'): string {
  const date = new Date(record.startedAt).toISOString().slice(0, 16).replace(/[:T]/g, '-');
  return `meeting-${record.code.replace(/[^A-Za-z0-9_-]/g, '_')}-${date}.${extension}`;
}
