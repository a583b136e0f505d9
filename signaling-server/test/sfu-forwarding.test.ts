/**
 * The SFU process forwarding a meeting of synthetic participants (node-datachannel in this
 * process, sending browser-shaped simulcast and audio whose payloads say whose they are and of
 * which layer), started by the standalone server's launcher on loopback. The tests run in order
 * on one meeting: SFU_TEST_PARTICIPANTS people (6 by default) meet, then someone joins late,
 * views change, someone is muted, shares a screen, leaves.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSfu } from '../src/sfu/gateway.js';
import { pli } from '../src/sfu/worker/rtcp.js';
import { TestMeeting, startTestSfu } from './sfu-harness.js';
import { type Segment, type SyntheticParticipant, settled, until } from './sfu-participant.js';

const COUNT = Math.max(2, Number(process.env.SFU_TEST_PARTICIPANTS ?? 6));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The views the participants report of each other's cameras, in turn: none yet (the middle layer), q, h, f. */
const VIEWS = [null, { width: 320, height: 180 }, { width: 640, height: 360 }, { width: 1280, height: 720 }] as const;
const LAYER_OF_VIEW = [1, 0, 1, 2];

let sfu: RunningSfu;
let meeting: TestMeeting;
let people: SyntheticParticipant[] = [];
/** What each participant last told the SFU of its views (the SFU takes each report as the whole). */
const views = new Map<SyntheticParticipant, Map<string, { from: SyntheticParticipant; slot: 'video' | 'screen'; width: number; height: number }>>();

function setView(
  viewer: SyntheticParticipant,
  from: SyntheticParticipant,
  size: { width: number; height: number } | null,
  slot: 'video' | 'screen' = 'video',
): void {
  const mine = views.get(viewer) ?? new Map();
  views.set(viewer, mine);
  if (size) mine.set(`${from.id}/${slot}`, { from, slot, ...size });
  else mine.delete(`${from.id}/${slot}`);
  meeting.view(viewer, [...mine.values()]);
}

const expectedLayer = (viewer: SyntheticParticipant, from: SyntheticParticipant): number => LAYER_OF_VIEW[(viewer.index + from.index) % 4]!;
const last = (segments: Segment[]): Segment | undefined => segments[segments.length - 1];
const others = (me: SyntheticParticipant): SyntheticParticipant[] => people.filter((p) => p !== me);
const videoLog = (viewer: SyntheticParticipant, from: SyntheticParticipant, slot: 'video' | 'screen' = 'video') => {
  const mid = viewer.midOf(from.id, slot);
  return mid === undefined ? undefined : viewer.mids.get(mid);
};
const packetsOf = (viewer: SyntheticParticipant, from: SyntheticParticipant, slot: 'audio' | 'video'): number =>
  viewer.segmentsOf(from.index, slot).reduce((n, s) => n + s.packets, 0);

/** How many sockets the SFU process (the test's child) has open (each connection has a UDP one). */
function sfuSockets(): number {
  const children = execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const pid = children.find((child) => readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('worker/main'));
  if (!pid) throw new Error('the SFU process was not found');
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false; // closed meanwhile
    }
  }).length;
}
let idleSockets = 0;

beforeAll(async () => {
  // Everyone's microphone is forwarded here, however many take part (only the loudest: sfu-control.test).
  ({ sfu } = await startTestSfu({ loudestOnlyFrom: COUNT + 5 }));
  idleSockets = sfuSockets();
  meeting = new TestMeeting(sfu, 'meeting-forwarding');
  people = await Promise.all(Array.from({ length: COUNT }, (_, i) => meeting.join(i)));
});

afterAll(async () => {
  meeting?.close();
  await sfu?.stop();
});

describe(`an SFU meeting of ${COUNT} synthetic participants`, () => {
  it("forwards each one's camera to everyone else at the layer their view asks for, and their sound, losing nothing", async () => {
    for (const viewer of people) for (const from of others(viewer)) setView(viewer, from, VIEWS[(viewer.index + from.index) % 4] ?? null);
    await until(
      people,
      () =>
        people.every((viewer) =>
          others(viewer).every((from) => {
            const video = last(viewer.segmentsOf(from.index, 'video'));
            return video?.layer === expectedLayer(viewer, from) && video.firstKeyframeAt !== null && viewer.segmentsOf(from.index, 'audio').length > 0;
          }),
        ),
      20_000,
      'everyone receiving everyone at their layer',
    );
    const before = people.map((viewer) => others(viewer).map((from) => [packetsOf(viewer, from, 'video'), packetsOf(viewer, from, 'audio')]));
    await sleep(1500);
    people.forEach((viewer, v) => {
      // Nobody gets their own media back.
      expect(viewer.segmentsOf(viewer.index, 'video')).toEqual([]);
      expect(viewer.segmentsOf(viewer.index, 'audio')).toEqual([]);
      others(viewer).forEach((from, f) => {
        const video = viewer.segmentsOf(from.index, 'video');
        expect(last(video)?.layer, `${viewer.id} gets ${from.id}'s layer`).toBe(expectedLayer(viewer, from));
        for (const segment of video) {
          expect(segment.startsWithKeyframe, `${viewer.id}: ${from.id}'s layer ${segment.layer} starts with a key frame`).toBe(true);
          expect(segment.gaps, `${viewer.id}: ${from.id}'s layer ${segment.layer} without loss`).toBe(0);
        }
        for (const segment of viewer.segmentsOf(from.index, 'audio')) expect(segment.gaps).toBe(0);
        // Both went on arriving (how many depends on how busy the machine is: loss is counted above).
        expect(packetsOf(viewer, from, 'video') - before[v]![f]![0]!).toBeGreaterThan(5);
        expect(packetsOf(viewer, from, 'audio') - before[v]![f]![1]!).toBeGreaterThan(10);
      });
      for (const [mid, log] of viewer.mids) expect(log.seqJumps, `${viewer.id} mid ${mid}: sequence numbers follow on`).toBe(0);
    });
  });

  it('gives a late joiner the first key frame of everyone within 1 s of its connection, and everyone its own', async () => {
    const late = await meeting.join(COUNT);
    people.push(late);
    await until(
      people,
      () =>
        late.subscriberConnectedAt !== null &&
        others(late).every((from) => typeof late.segmentsOf(from.index, 'video')[0]?.firstKeyframeAt === 'number') &&
        others(late).every((viewer) => typeof viewer.segmentsOf(late.index, 'video')[0]?.firstKeyframeAt === 'number'),
      10_000,
      'the late joiner and the others seeing each other',
    );
    for (const from of others(late)) {
      const first = late.segmentsOf(from.index, 'video')[0]!;
      expect(first.startsWithKeyframe).toBe(true);
      expect(first.firstKeyframeAt! - late.subscriberConnectedAt!, `${from.id}'s first key frame`).toBeLessThan(1000);
    }
    for (const viewer of others(late)) {
      // From when both its line for the newcomer was announced and the newcomer's media was flowing.
      const since = Math.max(viewer.routedAt.get(`${late.id}/video`)!, late.publisherConnectedAt!);
      expect(viewer.segmentsOf(late.index, 'video')[0]!.firstKeyframeAt! - since, `${viewer.id} sees the newcomer`).toBeLessThan(1000);
    }
  });

  it('switches a view to another layer at a key frame of that layer, within 1 s', async () => {
    const [viewer, from] = [people[0]!, people[1]!];
    const log = videoLog(viewer, from)!;
    expect(last(log.segments)?.layer).toBe(expectedLayer(viewer, from));
    const count = log.segments.length;
    const jumps = log.seqJumps;
    const asked = performance.now();
    setView(viewer, from, { width: 1280, height: 720 });
    await until([viewer], () => log.segments.length > count && last(log.segments)!.firstKeyframeAt !== null, 2000, 'the switch to f');
    const switched = last(log.segments)!;
    expect(switched.layer).toBe(2);
    // Nothing of the new layer before its key frame, and the key frame whole.
    expect(switched.startsWithKeyframe).toBe(true);
    expect(switched.startedAt - asked).toBeLessThan(1000);
    await sleep(300);
    expect(log.segments.length).toBe(count + 1);
    expect(switched.gaps).toBe(0);
    expect(log.seqJumps).toBe(jumps);
  });

  it('stops forwarding a camera shown at 0 x 0, and starts again with a key frame once it is shown', async () => {
    const [viewer, from] = [people[0]!, people[2]!];
    const log = videoLog(viewer, from)!;
    setView(viewer, from, { width: 0, height: 0 });
    await settled(() => packetsOf(viewer, from, 'video'), 500, 2000, 'the camera at 0 x 0');
    const count = log.segments.length;
    const asked = performance.now();
    setView(viewer, from, { width: 320, height: 180 });
    await until([viewer], () => log.segments.length > count && last(log.segments)!.firstKeyframeAt !== null, 2000, 'forwarding again');
    expect(last(log.segments)).toMatchObject({ layer: 0, startsWithKeyframe: true });
    expect(last(log.segments)!.startedAt - asked).toBeLessThan(1000);
    expect(log.seqJumps).toBe(0);
  });

  it("passes on each publisher's sender reports in the line's own timestamps (so audio and video can be synced)", async () => {
    const viewer = people[0]!;
    const from = people[3]!;
    const lines = (['video', 'audio'] as const).map((slot) => viewer.mids.get(viewer.midOf(from.id, slot)!)!);
    const counts = lines.map((log) => log.senderReports.length);
    await until([viewer], () => lines.every((log, i) => log.senderReports.length > counts[i]!), 2000, 'sender reports');
    for (const [i, log] of lines.entries()) {
      const report = log.senderReports[log.senderReports.length - 1]!;
      // The report's "now" is about the timestamp of what arrived last (within 100 ms).
      const ahead = ((report.rtpTimestamp - report.lastTimestamp) | 0) / (i === 0 ? 90 : 48);
      expect(Math.abs(ahead)).toBeLessThan(100);
    }
  });

  it("relays a subscriber's key frame request to the publisher", async () => {
    const [viewer, from] = [people[1]!, people[3]!];
    const mid = viewer.midOf(from.id, 'video')!;
    const log = viewer.mids.get(mid)!;
    const segment = last(log.segments)!;
    const [plis, keyframes] = [from.plis, segment.keyframes];
    expect(viewer.subscriberTracks.get(mid)!.sendMessageBinary(pli(0x1234, log.ssrc!))).toBe(true);
    await until([viewer], () => segment.keyframes > keyframes, 1000, 'a key frame after the PLI');
    expect(from.plis).toBeGreaterThan(plis);
  });

  it('asks a publisher again for a packet lost on the way (NACK), and forwards it when it comes', async () => {
    const [viewer, from] = [people[1]!, people[3]!];
    const log = videoLog(viewer, from)!;
    const layer = last(log.segments)!.layer;
    const late = log.late;
    const seq = from.camera.holdBack(layer);
    await until([viewer], () => from.nacked.includes(seq) && log.late > late, 1000, 'the packet asked for and forwarded');
    // What reached the subscriber is whole: the late packet filled the gap.
    await sleep(100);
    const segment = last(log.segments)!;
    expect(segment.packets).toBe(segment.lastCounter - segment.firstCounter + 1);
  });

  it("holds back a muted member's microphone for everyone, and forwards it again once unmuted", async () => {
    const muted = people[1]!;
    const someoneElse = (viewer: SyntheticParticipant): SyntheticParticipant => (viewer === people[0] ? people[2]! : people[0]!);
    const heard = others(muted).map((viewer) => packetsOf(viewer, someoneElse(viewer), 'audio'));
    meeting.mute(muted, true);
    await settled(() => others(muted).reduce((n, viewer) => n + packetsOf(viewer, muted, 'audio'), 0), 500, 2000, 'the muted microphone');
    const held = others(muted).map((viewer) => packetsOf(viewer, muted, 'audio'));
    // The others are still heard.
    others(muted).forEach((viewer, i) => expect(packetsOf(viewer, someoneElse(viewer), 'audio')).toBeGreaterThan(heard[i]!));
    meeting.mute(muted, false);
    await until(others(muted), () => others(muted).every((viewer, i) => packetsOf(viewer, muted, 'audio') > held[i]! + 5), 1000, 'the sound back');
    // The pause is invisible in the numbering (no loss seen).
    for (const viewer of others(muted)) expect(viewer.mids.get(viewer.midOf(muted.id, 'audio')!)!.seqJumps).toBe(0);
  });

  it('forwards a screen share as its own slot with its own layers', async () => {
    const sharer = people[2]!;
    await meeting.share(sharer);
    await until(
      people,
      () =>
        others(sharer).every(
          (viewer) =>
            typeof viewer.segmentsOf(sharer.index, 'screen')[0]?.firstKeyframeAt === 'number' && viewer.segmentsOf(sharer.index, 'screenAudio').length > 0,
        ),
      5000,
      'everyone receiving the screen',
    );
    for (const viewer of others(sharer)) {
      expect(viewer.midOf(sharer.id, 'screen')).toBeDefined();
      expect(viewer.segmentsOf(sharer.index, 'screen')[0]).toMatchObject({ layer: 1, startsWithKeyframe: true });
    }
    const viewer = people[0]!;
    const log = videoLog(viewer, sharer, 'screen')!;
    setView(viewer, sharer, { width: 1920, height: 1080 }, 'screen');
    await until([viewer], () => last(log.segments)?.layer === 2 && last(log.segments)!.firstKeyframeAt !== null, 2000, 'the full screen layer');
    // The camera's view is unchanged by the screen's.
    expect(last(videoLog(viewer, sharer)!.segments)!.layer).toBe(0);
  });

  it('stops forwarding someone who left, tells everyone, and frees what was theirs; an ended meeting leaves nothing open', async () => {
    const leaving = people[people.length - 1]!;
    meeting.leave(leaving);
    people = people.filter((p) => p !== leaving);
    await until(
      people,
      () => people.every((p) => p.midOf(leaving.id, 'video') === undefined && p.midOf(leaving.id, 'audio') === undefined),
      3000,
      'the departure offered',
    );
    await settled(() => people.reduce((n, p) => n + packetsOf(p, leaving, 'video') + packetsOf(p, leaving, 'audio'), 0), 500, 2000, 'what the leaver sent');
    expect(await sfu.stats()).toMatchObject({ meetings: 1, publishers: people.length, subscribers: people.length });
    const during = sfuSockets();
    expect(during).toBeGreaterThan(idleSockets + people.length); // a socket per connection
    meeting.close();
    await sleep(200);
    expect(await sfu.stats()).toMatchObject({ meetings: 0, publishers: 0, subscribers: 0 });
    // Every connection's socket closed: the process is back to what it held before the meeting.
    await until([], () => sfuSockets() <= idleSockets, 3000, 'the sockets closed').catch((error: unknown) => {
      throw new Error(`${String(error)}: ${sfuSockets()} open, ${idleSockets} before the meeting, ${during} when it ended`);
    });
  });
});
