/**
 * The SFU process's contract with its server, through the real process: meetings kept apart,
 * bad commands refused without effect, only the loudest forwarded in a big meeting, connections
 * made anew, and the process's own start and end.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childLauncher } from '../src/sfu/child-launcher.js';
import { type SfuChannel, type SfuCommand, type SfuEvent, type SfuLauncher } from '../src/sfu/control.js';
import { type RunningSfu, startSfu } from '../src/sfu/gateway.js';
import { PAUSE_AFTER_MS } from '../src/sfu/worker/layer-demand.js';
import { type SfuLog, TestMeeting, startTestSfu } from './sfu-harness.js';
import { SyntheticParticipant, until } from './sfu-participant.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const packetsOf = (viewer: SyntheticParticipant, from: number, slot: 'audio' | 'video'): number =>
  viewer.segmentsOf(from, slot).reduce((n, s) => n + s.packets, 0);
const receivesVideo = (viewer: SyntheticParticipant, from: SyntheticParticipant): boolean =>
  viewer.segmentsOf(from.index, 'video').some((s) => s.firstKeyframeAt !== null);

describe('two meetings on one SFU, and what the SFU is told', () => {
  let sfu: RunningSfu;
  let channel: SfuChannel;
  const events: SfuEvent[] = [];
  const logs: SfuLog[] = [];
  let x: TestMeeting;
  let y: TestMeeting;
  let inX: SyntheticParticipant[];
  let inY: SyntheticParticipant[];

  beforeAll(async () => {
    // The server's own gateway over the child launcher; the test also holds the raw channel.
    const launch: SfuLauncher = (options) => {
      channel = childLauncher(options);
      channel.onEvent((event) => events.push(event));
      return channel;
    };
    sfu = await startSfu(
      launch,
      { bindAddress: '127.0.0.1' },
      {
        info: (message) => logs.push({ level: 'info', message }),
        warn: (message) => logs.push({ level: 'warn', message }),
        error: (message) => logs.push({ level: 'error', message }),
      },
    );
    x = new TestMeeting(sfu, 'meeting-x');
    y = new TestMeeting(sfu, 'meeting-y');
    // The same member ids in both: only the meeting instance tells them apart.
    inX = await Promise.all([x.join(10, 'participant-0'), x.join(11, 'participant-1')]);
    inY = await Promise.all([y.join(20, 'participant-0'), y.join(21, 'participant-1')]);
    await until(
      [...inX, ...inY],
      () => receivesVideo(inX[0]!, inX[1]!) && receivesVideo(inX[1]!, inX[0]!) && receivesVideo(inY[0]!, inY[1]!) && receivesVideo(inY[1]!, inY[0]!),
      20_000,
      'both meetings under way',
    );
  });

  afterAll(async () => {
    x?.close();
    y?.close();
    await sfu?.stop();
  });

  it('forwards only within a meeting instance', async () => {
    await sleep(500);
    for (const [mine, theirs] of [
      [inX, inY],
      [inY, inX],
    ] as const) {
      for (const viewer of mine) {
        for (const stranger of theirs) {
          expect(viewer.segmentsOf(stranger.index, 'video')).toEqual([]);
          expect(viewer.segmentsOf(stranger.index, 'audio')).toEqual([]);
        }
        expect(viewer.routes.size).toBe(2);
      }
    }
    expect(await sfu.stats()).toMatchObject({ meetings: 2, publishers: 4, subscribers: 4 });
  });

  it('refuses bad commands and changes nothing', async () => {
    const before = await sfu.stats();
    const flowing = [...inX, ...inY].map((p, i) => packetsOf(p, (i < 2 ? inX : inY)[1 - (i % 2)]!.index, 'video'));
    const send = (message: unknown): void => channel.send(message as SfuCommand);
    // A well-formed offer from a connection made for the purpose (never answered).
    const stranger = new SyntheticParticipant(99, 'participant-9');
    const validOffer = (await stranger.publishOffer()).sdp;
    stranger.close();
    send('nonsense');
    send({});
    send({ t: 'explode', meeting: 'meeting-x' });
    send({ t: 'publish', req: 77, meeting: 'meeting-x' });
    send({ t: 'publish', req: 78, meeting: 'meeting-x', member: 'participant-0', sdp: 'v=garbage', fresh: true, slots: [{ mid: '0', slot: 'audio' }] });
    send({ t: 'publish', req: 79, meeting: 'meeting-x', member: 'participant-0', sdp: validOffer, fresh: true, slots: [{ mid: '9', slot: 'audio' }] });
    send({ t: 'publish', req: 80, meeting: 'meeting-x', member: 'participant-0', sdp: validOffer, fresh: true, slots: [{ mid: '0', slot: 'video' }] });
    send({ t: 'view', meeting: 'meeting-x', member: 'participant-0', views: [{ from: 'not an id!', slot: 'video', width: 1, height: 1 }] });
    send({ t: 'answer', meeting: 'meeting-nowhere', member: 'participant-0', sdp: 'v=0', revision: 1 });
    send({ t: 'leave', meeting: 'meeting-x', member: 'participant-1', because: 'extra fields are refused' });
    send({ t: 'end', meeting: '' });
    send({ t: 'stats', req: -1 });
    await until([], () => [77, 78, 79, 80].every((req) => events.some((e) => e.t === 'failed' && e.req === req)), 5000, 'the failures of the requests');
    const failed = (req: number): string => (events.find((e) => e.t === 'failed' && e.req === req) as { message: string }).message;
    expect(failed(78)).toMatch(/SDP/);
    expect(failed(79)).toMatch(/mid 9/);
    expect(failed(80)).toMatch(/audio, not video/);
    // Each refusal without a request id is a warning in the server's log.
    await until([], () => logs.filter((l) => l.level === 'warn').length >= 8, 2000, 'the warnings');
    expect(logs.some((l) => l.level === 'warn' && /explode|t:/.test(l.message))).toBe(true);
    await sleep(500);
    expect(await sfu.stats()).toMatchObject({ meetings: before.meetings, publishers: before.publishers, subscribers: before.subscribers });
    // Everyone's media still flows, participant-1 of meeting-x included.
    [...inX, ...inY].forEach((p, i) => expect(packetsOf(p, (i < 2 ? inX : inY)[1 - (i % 2)]!.index, 'video')).toBeGreaterThan(flowing[i]! + 10));
  });

  it("takes a member's new publishing connection in place of the old one, without a renegotiation for the others", async () => {
    const [publisher, viewer] = [inX[0]!, inX[1]!];
    const log = viewer.mids.get(viewer.midOf(publisher.id, 'video')!)!;
    const segment = log.segments[log.segments.length - 1]!;
    const [revision, resumed] = [viewer.revision, segment.resumedWithKeyframe.length];
    await x.publish(publisher);
    // What the old connection had sent stops; the new one's comes from a key frame on, numbered on from the old.
    await until([viewer], () => segment.resumedWithKeyframe.length > resumed, 5000, 'the new stream');
    expect(segment.resumedWithKeyframe.slice(resumed)).toEqual([true]);
    expect(log.seqJumps).toBe(0);
    expect(viewer.revision).toBe(revision);
    expect(await sfu.stats()).toMatchObject({ publishers: 4 });
  });

  it('gives a member a new receiving connection when asked, every stream starting at a key frame', async () => {
    const [viewer, from] = [inX[1]!, inX[0]!];
    const revision = viewer.revision;
    sfu.subscribe('meeting-x', viewer.id);
    await until(
      [viewer],
      () => viewer.revision > revision && receivesVideo(viewer, from) && packetsOf(viewer, from.index, 'audio') > 0,
      10_000,
      'the new connection',
    );
    expect(viewer.segmentsOf(from.index, 'video')[0]!.startsWithKeyframe).toBe(true);
    expect(await sfu.stats()).toMatchObject({ meetings: 2, publishers: 4, subscribers: 4 });
  });

  it('keeps the receiving connection of a member back from a signaling drop, and offers again what the member missed', async () => {
    const [viewer, from] = [inX[1]!, inX[0]!];
    const offersTo = (): Array<{ revision: number; fresh: boolean }> =>
      events.flatMap((e) => (e.t === 'offer' && e.meeting === 'meeting-x' && e.member === viewer.id ? [{ revision: e.revision, fresh: e.fresh }] : []));
    // Nothing missed: nothing offered, the connection and its media go on.
    const [offers, revision, audio] = [offersTo().length, viewer.revision, packetsOf(viewer, from.index, 'audio')];
    sfu.subscribe('meeting-x', viewer.id, true);
    await sleep(500);
    expect(offersTo().length).toBe(offers);
    expect(viewer.revision).toBe(revision);
    expect(packetsOf(viewer, from.index, 'audio')).toBeGreaterThan(audio);

    // Someone joins while the viewer's signaling is away: the offer with the newcomer is lost.
    x.away.add(viewer.id);
    const newcomer = await x.join(12, 'participant-2');
    await until([], () => offersTo().length > offers, 5000, 'the offer the viewer misses');
    const missed = offersTo().at(-1)!;
    expect(viewer.revision).toBe(revision);
    // Back: the same offer again (not a new connection), and the newcomer arrives.
    x.away.delete(viewer.id);
    sfu.subscribe('meeting-x', viewer.id, true);
    await until([viewer], () => receivesVideo(viewer, newcomer), 10_000, "the newcomer's video");
    // (A change the SFU held back while that offer was unanswered may follow it.)
    expect(offersTo().slice(offers, offers + 2)).toEqual([missed, missed]);
    expect(missed.fresh).toBe(false);
    expect(viewer.revision).toBeGreaterThanOrEqual(missed.revision);
    expect(packetsOf(viewer, from.index, 'audio')).toBeGreaterThan(audio);
    x.leave(newcomer);
  });

  it('ignores an answer to an offer revision that is not the one awaited', async () => {
    const viewer = inY[0]!;
    const before = viewer.revision;
    sfu.answer('meeting-y', viewer.id, 'v=0\r\n', before + 5);
    await until([], () => logs.some((l) => /revision 6|revision \d+ ignored/.test(l.message)), 2000, 'the answer ignored');
    await sleep(300);
    expect(packetsOf(viewer, inY[1]!.index, 'audio')).toBeGreaterThan(0);
  });

  it('tells a publisher which layers of its camera anyone is shown: a larger one at once, a pause only a while after', async () => {
    const [ada, bob] = [inX[0]!, inX[1]!];
    const told = () => events.flatMap((e) => (e.t === 'layers' && e.meeting === 'meeting-x' && e.member === ada.id && e.slot === 'video' ? [e.active] : []));
    const last = () => told().at(-1)?.join();
    // Bob shows her small: only the smallest layer, which always stays (at once if nobody was shown the others before).
    x.view(bob, [{ from: ada, width: 100, height: 56 }]);
    await until([], () => last() === 'true,false,false', 2 * PAUSE_AFTER_MS, 'the larger layers paused');
    // He pins her: the largest at once.
    const pinnedAt = performance.now();
    x.view(bob, [{ from: ada, width: 1920, height: 1080 }]);
    await until([], () => last() === 'true,false,true', 1000, 'the largest layer resumed');
    expect(performance.now() - pinnedAt).toBeLessThan(1000);
    // Back to small: kept a while (a pin and back), then paused again.
    x.view(bob, [{ from: ada, width: 100, height: 56 }]);
    await sleep(PAUSE_AFTER_MS / 2);
    expect(last()).toBe('true,false,true');
    await until([], () => last() === 'true,false,false', 2 * PAUSE_AFTER_MS, 'the largest layer paused again');
  });
});

describe('a meeting past loudestOnlyFrom', () => {
  let sfu: RunningSfu;
  let meeting: TestMeeting;
  let people: SyntheticParticipant[];

  beforeAll(async () => {
    ({ sfu } = await startTestSfu({ loudestOnlyFrom: 3, loudest: 2 }));
    meeting = new TestMeeting(sfu, 'meeting-loud');
    people = await Promise.all(Array.from({ length: 5 }, (_, i) => meeting.join(i)));
    people.forEach((p, i) => (p.audio.level = i < 2 ? 10 : 127)); // 0 and 1 speak, the others are silent
  });

  afterAll(async () => {
    meeting?.close();
    await sfu?.stop();
  });

  /** Whose microphone reaches `viewer` now (packets over 600 ms). */
  async function heardBy(viewers: SyntheticParticipant[]): Promise<Set<number>[]> {
    const before = viewers.map((v) => people.map((p) => packetsOf(v, p.index, 'audio')));
    await sleep(600);
    return viewers.map((v, i) => new Set(people.filter((p) => packetsOf(v, p.index, 'audio') > before[i]![p.index]! + 5).map((p) => p.index)));
  }

  it('forwards only the loudest microphones, and follows who speaks', async () => {
    const listeners = people.slice(2);
    await until(people, () => listeners.every((v) => packetsOf(v, 0, 'audio') > 20 && packetsOf(v, 1, 'audio') > 20), 20_000, 'the speakers heard');
    for (const heard of await heardBy(listeners)) expect([...heard].sort()).toEqual([0, 1]);
    // Now 4 speaks and 0 falls silent: 1 and 4 are heard.
    people[4]!.audio.level = 5;
    people[0]!.audio.level = 127;
    await until(listeners, () => listeners.slice(0, 2).every((v) => packetsOf(v, 4, 'audio') > 10), 3000, 'the new speaker heard');
    await sleep(300);
    for (const heard of await heardBy(people.slice(2, 4))) expect([...heard].sort()).toEqual([1, 4]);
  });
});

describe('the SFU process', () => {
  it('refuses settings it cannot use, and ends when its channel to the server closes', async () => {
    const entry = fileURLToPath(new URL('../src/sfu/worker/main.ts', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const bad = spawn(process.execPath, ['--import', pathToFileURL(tsx).href, entry], {
      env: { ...process.env, ROUNDTABLE_SFU: JSON.stringify({ bindAddress: '127.0.0.1', loudest: 0 }) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    bad.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((resolve) => bad.once('exit', resolve))).toBe(2);
    expect(stderr).toMatch(/ROUNDTABLE_SFU/);

    const channel = childLauncher({ bindAddress: '127.0.0.1', portRangeBegin: 0, portRangeEnd: 0, loudestOnlyFrom: 10, loudest: 3 });
    const ready = new Promise<void>((resolve) => channel.onEvent((event) => event.t === 'ready' && resolve()));
    const exited = new Promise<number | null>((resolve) => channel.onExit(resolve));
    await ready;
    const stoppedAt = performance.now();
    await channel.stop();
    expect(await exited).toBe(0);
    expect(performance.now() - stoppedAt).toBeLessThan(2000);
  });

  it('ends when its channel closed while it was still starting (a server stopped at once)', async () => {
    const entry = fileURLToPath(new URL('../src/sfu/worker/main.ts', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = spawn(process.execPath, ['--import', pathToFileURL(tsx).href, entry], {
      env: {
        ...process.env,
        ROUNDTABLE_SFU: JSON.stringify({ bindAddress: '127.0.0.1', portRangeBegin: 0, portRangeEnd: 0, loudestOnlyFrom: 10, loudest: 3 }),
      },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Closed before the process has even loaded its code (tsx compiles it first).
    child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    expect(await exited).toBe(0);
    clearTimeout(timer);
  });

  it("talks over an Electron utilityProcess's parentPort when it has one", async () => {
    const entry = fileURLToPath(new URL('../src/sfu/worker/main.ts', import.meta.url));
    const fake = pathToFileURL(fileURLToPath(new URL('./sfu-fake-parent-port.ts', import.meta.url))).href;
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, '--import', fake, entry], {
      env: {
        ...process.env,
        ROUNDTABLE_SFU: JSON.stringify({ bindAddress: '127.0.0.1', portRangeBegin: 0, portRangeEnd: 0, loudestOnlyFrom: 10, loudest: 3 }),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const events: unknown[] = [];
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (let end = output.indexOf('\n'); end >= 0; end = output.indexOf('\n')) {
        events.push(JSON.parse(output.slice(0, end)));
        output = output.slice(end + 1);
      }
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await until([], () => events.some((e) => (e as SfuEvent).t === 'ready'), 20_000, 'ready');
      child.stdin!.write(`${JSON.stringify({ t: 'stats', req: 5 })}\n${JSON.stringify({ t: 'nonsense' })}\n`);
      await until([], () => events.some((e) => (e as SfuEvent).t === 'reply') && events.some((e) => (e as SfuEvent).t === 'log'), 5000, 'the reply');
      expect(events).toContainEqual(expect.objectContaining({ t: 'reply', req: 5, stats: expect.objectContaining({ meetings: 0 }) }));
      expect(events).toContainEqual(expect.objectContaining({ t: 'log', level: 'warn' }));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
