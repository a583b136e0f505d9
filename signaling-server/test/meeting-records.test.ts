import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MeetingRecordSummary, MeetingRecordView } from '../src/protocol/index.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { storedRecords } from '../src/index.js';
import { toView } from '../src/records/journal.js';
import type { SignalingDeps } from '../src/app.js';
import { closeClients, connectClient, joined, joinRequest, nextEvent, record, request, settle, startServer, type TestServer } from './harness.js';

const T0 = 1_700_000_000_000;
let clock = T0;
let server: TestServer | undefined;
const dirs: string[] = [];

afterEach(async () => {
  closeClients();
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(deps: SignalingDeps = {}): Promise<TestServer> {
  server = await startServer({}, undefined, { now: () => clock, ...deps });
  return server;
}

const secretOf = (name: string): string => `${name.toLowerCase()}-secret-${'s'.repeat(24)}`;

/**
 * The scripted meeting: Ada hosts with a waiting room; Bob waits 3 s and is let in; Cy is let in at
 * once and leaves early; Dee waits 2 s and is turned away; Ada records for 20 s; Bob reports 12 s
 * of speaking; Ada ends the meeting at T0 + 60 s.
 */
async function scriptedMeeting(url: string): Promise<{ hostSecret: string }> {
  const ada = await joined(url, { name: 'Ada', secret: secretOf('Ada'), create: { waitingRoom: true } });
  const lists = record<{ waiting: Array<{ id: string; name: string }> }>(ada.socket, 'waiting-list');
  const waitingNow = async (): Promise<Array<{ id: string; name: string }>> => {
    await settle(100);
    return lists.at(-1)?.waiting ?? [];
  };
  clock = T0 + 1_000;
  const bob = await connectClient(url);
  expect(await request(bob, 'join', joinRequest({ name: 'Bob', secret: secretOf('Bob'), create: undefined }))).toMatchObject({ waiting: true });
  clock = T0 + 4_000;
  const bobIn = nextEvent(bob, 'admitted');
  // While it runs, the host reads it as it stands.
  expect(((await request(ada.socket, 'meeting-record', {})).record as MeetingRecordView).people.map((p) => p.name)).toEqual(['Ada']);
  const list = await waitingNow();
  expect(list.map((w) => w.name)).toEqual(['Bob']);
  expect(await request(ada.socket, 'admit', { id: list[0]!.id })).toEqual({ ok: true });
  await bobIn;

  const cy = await connectClient(url);
  expect(await request(cy, 'join', joinRequest({ name: 'Cy', secret: secretOf('Cy'), create: undefined }))).toMatchObject({ waiting: true });
  expect(await request(ada.socket, 'admit-all', {})).toEqual({ ok: true });
  await nextEvent(cy, 'admitted');

  clock = T0 + 5_000;
  const dee = await connectClient(url);
  expect(await request(dee, 'join', joinRequest({ name: 'Dee', secret: secretOf('Dee'), create: undefined }))).toMatchObject({ waiting: true });
  clock = T0 + 7_000;
  const waiting = await waitingNow();
  expect(await request(ada.socket, 'deny', { id: waiting.find((w) => w.name === 'Dee')!.id })).toEqual({ ok: true });

  // A guest cannot read the record of the meeting they are in.
  expect(await request(bob, 'meeting-record', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });

  clock = T0 + 10_000;
  expect(await request(ada.socket, 'recording', { active: true })).toEqual({ ok: true });
  clock = T0 + 14_000;
  expect(await request(cy, 'leave', {})).toEqual({ ok: true });
  clock = T0 + 30_000;
  expect(await request(ada.socket, 'recording', { active: false })).toEqual({ ok: true });
  const stats = { speakingMs: 12_000, rttMs: 40, lossPct: 1.5, degradedShare: 0.1 };
  expect(await request(bob, 'meeting-stats', stats)).toEqual({ ok: true });
  // Reports come at most every 10 s.
  expect(await request(bob, 'meeting-stats', stats)).toMatchObject({ ok: false, error: { code: 'rate-limited' } });
  expect(await request(bob, 'meeting-stats', { ...stats, speakingMs: -1 })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  clock = T0 + 60_000;
  expect(await request(ada.socket, 'end-meeting', {})).toEqual({ ok: true });
  await settle(200);
  return { hostSecret: secretOf('Ada') };
}

async function readRecord(url: string, secret: string): Promise<{ summary: MeetingRecordSummary; record: MeetingRecordView }> {
  const socket = await connectClient(url);
  const listed = await request(socket, 'meeting-records', { secrets: [secret] });
  expect(listed.ok).toBe(true);
  const meetings = listed.meetings as MeetingRecordSummary[];
  expect(meetings).toHaveLength(1);
  const reply = await request(socket, 'meeting-record', { id: meetings[0]!.id, secrets: [secret] });
  expect(reply.ok).toBe(true);
  return { summary: meetings[0]!, record: reply.record as MeetingRecordView };
}

function expectFigures(record: MeetingRecordView): void {
  expect(record.startedAt).toBe(T0);
  expect(record.endedAt).toBe(T0 + 60_000);
  const person = (name: string) => record.people.find((p) => p.name === name)!;
  expect(person('Ada')).toMatchObject({
    host: true,
    stints: [{ joinedAt: T0, leftAt: T0 + 60_000 }],
    recordings: [{ startedAt: T0 + 10_000, stoppedAt: T0 + 30_000 }],
  });
  expect(person('Bob')).toMatchObject({
    host: false,
    stints: [{ joinedAt: T0 + 4_000, leftAt: T0 + 60_000 }],
    waits: [{ since: T0 + 1_000, until: T0 + 4_000, waitedMs: 3_000, outcome: 'admitted' }],
    speakingMs: 12_000,
    quality: { medianRttMs: 40, lossPct: 1.5, degradedShare: 0.1 },
  });
  expect(person('Cy')).toMatchObject({ stints: [{ joinedAt: T0 + 4_000, leftAt: T0 + 14_000 }], waits: [{ waitedMs: 0, outcome: 'admitted' }] });
  expect(person('Dee')).toMatchObject({ stints: [], waits: [{ since: T0 + 5_000, until: T0 + 7_000, waitedMs: 2_000, outcome: 'denied' }] });
  expect(record.keepUntil).toBeGreaterThan(T0 + 60_000);
}

describe('meeting records', () => {
  it('hold who came, waited, left, spoke and recorded, for the host only; the host can delete them', async () => {
    clock = T0;
    const { url } = await start();
    const { hostSecret } = await scriptedMeeting(url);
    const { summary, record } = await readRecord(url, hostSecret);
    expect(summary).toEqual({ id: record.id, code: 'standup', startedAt: T0, endedAt: T0 + 60_000, people: 3 });
    expectFigures(record);

    // Anyone else: nothing listed, and the record by id is refused (as if it did not exist).
    const bob = await connectClient(url);
    expect(await request(bob, 'meeting-records', { secrets: [secretOf('Bob')] })).toEqual({ ok: true, meetings: [] });
    expect(await request(bob, 'meeting-record', { id: record.id, secrets: [secretOf('Bob')] })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await request(bob, 'meeting-record', { id: record.id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await request(bob, 'delete-meeting-record', { id: record.id, secrets: [secretOf('Bob')] })).toMatchObject({ ok: false });
    expect(await request(bob, 'meeting-record', { id: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });

    // The host deletes it: gone for good.
    const ada = await connectClient(url);
    expect(await request(ada, 'delete-meeting-record', { id: record.id, secrets: [hostSecret] })).toEqual({ ok: true });
    expect(await request(ada, 'meeting-records', { secrets: [hostSecret] })).toEqual({ ok: true, meetings: [] });
    expect(await request(ada, 'meeting-record', { id: record.id, secrets: [hostSecret] })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('survive a restart of a server with the SQLite store', async () => {
    clock = T0;
    const dir = mkdtempSync(join(tmpdir(), 'rt-records-'));
    dirs.push(dir);
    const file = join(dir, 'chat.db');
    const first = await start({ store: await SqliteStore.open(file) });
    const { hostSecret } = await scriptedMeeting(first.url);
    closeClients();
    await first.close();
    server = undefined;
    const second = await start({ store: await SqliteStore.open(file) });
    const { record } = await readRecord(second.url, hostSecret);
    expectFigures(record);
  });

  it('go on after a restart in the middle of the meeting', async () => {
    clock = T0;
    const dir = mkdtempSync(join(tmpdir(), 'rt-records-'));
    dirs.push(dir);
    const file = join(dir, 'chat.db');
    const first = await start({ store: await SqliteStore.open(file) });
    await joined(first.url, { name: 'Ada', secret: secretOf('Ada') });
    clock = T0 + 10_000;
    closeClients();
    await first.close();
    server = undefined;
    clock = T0 + 20_000;
    const second = await start({ store: await SqliteStore.open(file) });
    const ada = await joined(second.url, { name: 'Ada', secret: secretOf('Ada') });
    clock = T0 + 30_000;
    const reply = await request(ada.socket, 'meeting-record', {});
    expect(reply.ok).toBe(true);
    const record = reply.record as MeetingRecordView;
    expect(record.people[0]!.stints).toEqual([
      { joinedAt: T0, leftAt: T0 + 10_000 },
      { joinedAt: T0 + 20_000, leftAt: null },
    ]);
  });

  it('are read from the store once no server runs on it (the desktop app after hosting), by the host only', async () => {
    clock = T0;
    const dir = mkdtempSync(join(tmpdir(), 'rt-records-'));
    dirs.push(dir);
    const file = join(dir, 'chat.db');
    const first = await start({ store: await SqliteStore.open(file) });
    const { hostSecret } = await scriptedMeeting(first.url);
    closeClients();
    await first.close();
    server = undefined;

    const store = await SqliteStore.open(file);
    try {
      const records = storedRecords(store.records);
      const [summary] = await records.list([hostSecret]);
      expect(summary).toMatchObject({ code: 'standup', startedAt: T0, endedAt: T0 + 60_000, people: 3 });
      const record = (await records.get(summary!.id, [hostSecret]))!;
      expectFigures(record);
      // Anyone else's secrets: nothing listed, nothing read, nothing deleted.
      expect(await records.list([secretOf('Bob')])).toEqual([]);
      expect(await records.list([])).toEqual([]);
      expect(await records.get(summary!.id, [secretOf('Bob')])).toBeNull();
      expect(await records.delete(summary!.id, [secretOf('Bob')])).toBe(false);
      expect(await records.get('no-such-record', [hostSecret])).toBeNull();
      // The host deletes it.
      expect(await records.delete(summary!.id, [hostSecret])).toBe(true);
      expect(await records.list([hostSecret])).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('sum up quality: median round trip and loss, and video degraded as the share of the time', () => {
    // Three reports (each about 30 s): degraded for most of the last one only.
    const view = toView({
      id: 'record-0001',
      instance: 'instance-1',
      code: 'standup',
      startedAt: T0,
      endedAt: T0 + 90_000,
      hostIds: [],
      people: [
        {
          id: 'person-00000001',
          name: 'Bob',
          stints: [{ joinedAt: T0, leftAt: T0 + 90_000 }],
          waits: [],
          speakingMs: 0,
          samples: { rttMs: [30, 40, 400], lossPct: [0, 1, 9], degradedShare: [0, 0, 0.9] },
          recordings: [],
          files: 3,
        },
      ],
      keepUntil: null,
      savedAt: T0,
    });
    expect(view.people[0]!.quality.medianRttMs).toBe(40);
    expect(view.people[0]!.quality.lossPct).toBe(1);
    expect(view.people[0]!.quality.degradedShare).toBeCloseTo(0.3, 9);
    expect(view.people[0]!.filesShared).toBe(3);
    expect(view.filesShared).toBe(3);
  });
});
