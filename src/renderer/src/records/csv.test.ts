import { describe, expect, it } from 'vitest';
import type { MeetingRecordView } from '@roundtable/signaling-server/protocol';
import { csvCell, recordToCsv } from './csv';

const T0 = Date.UTC(2025, 0, 2, 10, 0, 0);
const person = (name: string, extra: Partial<MeetingRecordView['people'][number]> = {}): MeetingRecordView['people'][number] => ({
  id: `id-${name.length}-xxxxxxxx`,
  name,
  host: false,
  stints: [],
  waits: [],
  speakingMs: 0,
  quality: { medianRttMs: null, lossPct: null, degradedShare: null },
  recordings: [],
  filesShared: 0,
  ...extra,
});

describe('the record as CSV', () => {
  it('quotes what needs quoting and never lets a cell be a formula', () => {
    expect(csvCell('Ada')).toBe('Ada');
    expect(csvCell('Lovelace, Ada')).toBe('"Lovelace, Ada"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });

  it('has one row per person and stint, and one per wait that let nobody in', () => {
    const record: MeetingRecordView = {
      id: 'record-id-1',
      code: 'standup',
      startedAt: T0,
      endedAt: T0 + 60_000,
      keepUntil: null,
      filesShared: 0,
      people: [
        person('Bob', {
          stints: [{ joinedAt: T0 + 4_000, leftAt: T0 + 60_000 }],
          waits: [{ since: T0 + 1_000, until: T0 + 4_000, waitedMs: 3_000, outcome: 'admitted' }],
          speakingMs: 12_000,
          quality: { medianRttMs: 40.4, lossPct: 1.5, degradedShare: 0.1 },
        }),
        person('=Dee', { waits: [{ since: T0, until: T0 + 2_000, waitedMs: 2_000, outcome: 'denied' }] }),
      ],
    };
    expect(recordToCsv(record).split('\r\n')).toEqual([
      'name,joined,left,waited ms,admitted/denied,speaking ms,median rtt ms,loss %',
      'Bob,2025-01-02T10:00:04.000Z,2025-01-02T10:01:00.000Z,3000,admitted,12000,40,1.5',
      "'=Dee,,,2000,denied,,,",
      '',
    ]);
  });
});
