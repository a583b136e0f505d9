import { describe, expect, it } from 'vitest';
import { MeetingRecordSchema, type MeetingRecordView } from '@roundtable/signaling-server/protocol';
import { csvCell, recordFileName, recordToCsv, recordToJson } from './csv';

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

  const record: MeetingRecordView = {
    id: 'record-id-1',
    code: 'standup',
    startedAt: T0,
    endedAt: T0 + 60_000,
    keepUntil: T0 + 60_000 + 30 * 86_400_000,
    filesShared: 2,
    people: [
      person('Ada', {
        host: true,
        stints: [{ joinedAt: T0, leftAt: T0 + 60_000 }],
        speakingMs: 30_000,
        quality: { medianRttMs: 12, lossPct: 0, degradedShare: 0 },
        recordings: [{ startedAt: T0 + 10_000, stoppedAt: T0 + 30_000 }],
      }),
      person('Bob', {
        stints: [
          { joinedAt: T0 + 4_000, leftAt: T0 + 20_000 },
          { joinedAt: T0 + 25_000, leftAt: T0 + 60_000 },
        ],
        waits: [{ since: T0 + 1_000, until: T0 + 4_000, waitedMs: 3_000, outcome: 'admitted' }],
        speakingMs: 12_000,
        quality: { medianRttMs: 40.4, lossPct: 1.5, degradedShare: 0.125 },
        filesShared: 2,
      }),
      person('=Dee', { waits: [{ since: T0, until: T0 + 2_000, waitedMs: 2_000, outcome: 'denied' }] }),
    ],
  };

  it('has one row per person and stint, and one per wait that let nobody in, with the meeting on each', () => {
    const start = '2025-01-02T10:00:00.000Z';
    const end = '2025-01-02T10:01:00.000Z';
    expect(recordToCsv(record).split('\r\n')).toEqual([
      'name,joined,left,waited ms,admitted/denied,speaking ms,median rtt ms,loss %,video degraded %,recordings,recorded ms,files shared,meeting started,meeting ended',
      `Ada,${start},${end},,,30000,12,0,0,1,20000,0,${start},${end}`,
      // The wait and the person's totals once, on their first row.
      `Bob,2025-01-02T10:00:04.000Z,2025-01-02T10:00:20.000Z,3000,admitted,12000,40,1.5,12.5,0,0,2,${start},${end}`,
      `Bob,2025-01-02T10:00:25.000Z,${end},,,,,,,,,,${start},${end}`,
      // Never let in: their wait is their row, and the name is no formula.
      `'=Dee,,,2000,denied,0,,,,0,0,0,${start},${end}`,
      '',
    ]);
  });

  it('leaves the end empty while the meeting runs, and counts a running recording up to now', () => {
    const running: MeetingRecordView = {
      ...record,
      endedAt: null,
      keepUntil: null,
      people: [{ ...record.people[0]!, stints: [{ joinedAt: T0, leftAt: null }], recordings: [{ startedAt: Date.now() - 5_000, stoppedAt: null }] }],
    };
    const [, ada] = recordToCsv(running).split('\r\n');
    const cells = ada!.split(',');
    expect(cells[2]).toBe('');
    expect(Number(cells[10])).toBeGreaterThanOrEqual(5_000);
    expect(Number(cells[10])).toBeLessThan(6_000);
    expect(cells.slice(12)).toEqual(['2025-01-02T10:00:00.000Z', '']);
  });

  it('exports the JSON as the server gave it: it parses back to the same record, with every field', () => {
    const text = recordToJson(record);
    const parsed: unknown = JSON.parse(text);
    expect(parsed).toEqual(record);
    expect(MeetingRecordSchema.parse(parsed)).toEqual(record);
    const bob = (parsed as MeetingRecordView).people[1]!;
    expect(bob).toMatchObject({ name: 'Bob', filesShared: 2, quality: { degradedShare: 0.125 }, waits: [{ waitedMs: 3_000, outcome: 'admitted' }] });
    expect(recordFileName(record, 'json')).toBe('meeting-standup-2025-01-02-10-00.json');
    expect(recordFileName({ ...record, code: 'a/b c' }, 'csv')).toBe('meeting-a_b_c-2025-01-02-10-00.csv');
  });
});
