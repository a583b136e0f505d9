import { createConnection, createServer, type Socket as NetSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { closeClients, connectClient, joinRequest, nextEvent, record, request, settle, type Reply } from './harness.js';
import { startNode, type ServerNode } from './support/nodes.js';
import { startPostgres, startRedis, type RunningService } from './support/services.js';
import type { JoinRequest } from '../src/protocol/index.js';

/**
 * A meeting changing hands between nodes: its owner out of touch for longer than its lease (a
 * paused process) or dead (kill -9). Whoever takes it over keeps everyone who is still connected
 * and everything the owner had changed; the node that lost it notices and drops its copy.
 */
let redis: RunningService;
let postgres: RunningService;
let nodes: ServerNode[] = [];
const env = (): Record<string, string> => ({ ROUNDTABLE_REDIS_URL: redis.url, ROUNDTABLE_DATABASE_URL: postgres.url });

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  nodes = await Promise.all(['node-1', 'node-2', 'node-3'].map((name) => startNode(name, env(), 0, ['--metrics'])));
}, 90_000);
afterAll(async () => {
  closeClients();
  for (const node of nodes) node.process.kill('SIGCONT');
  await Promise.all(nodes.map((node) => node.stop('SIGTERM')));
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

const url = (n: number): string => nodes[n]!.url;
/** How many meetings node `n` runs, from its /metrics. */
async function meetingsOn(n: number): Promise<number> {
  const text = await (await fetch(`${url(n)}/metrics`)).text();
  const match = /^roundtable_meetings\{[^}]*\} (\d+)/m.exec(text);
  if (!match) throw new Error(`no roundtable_meetings in the metrics of node ${n + 1}`);
  return Number(match[1]);
}
const idOf = (reply: Reply): string => (reply.self as { id: string }).id;
interface Seen {
  id: string;
  host: boolean;
  media: { audio: boolean };
  hand: number | null;
}

/** A TCP proxy in front of Redis, for one node: `cut` drops its connections (and refuses new ones) until `restore`. */
async function redisProxy(target: number): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const open = new Set<NetSocket>();
  let passing = true;
  const server = createServer((client) => {
    if (!passing) return void client.destroy();
    const upstream = createConnection(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const cut = (): void => {
    passing = false;
    for (const socket of open) socket.destroy();
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    cut,
    restore: () => {
      passing = true;
    },
    close: async () => {
      cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A participant as the app behaves: reconnects after a drop and joins again as themselves. */
function appClient(url: string, join: JoinRequest): { socket: Socket; joins: Reply[] } {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 250, reconnectionDelayMax: 500 });
  const joins: Reply[] = [];
  socket.on(
    'connect',
    () =>
      void (socket.timeout(5000).emitWithAck('join', join) as Promise<Reply>).then(
        (reply) => joins.push(reply),
        () => undefined,
      ),
  );
  return { socket, joins };
}

describe('a meeting changing hands', () => {
  it('its node paused past its lease: the meeting stays one, with its host, and the paused node drops its copy', async () => {
    const hostJoin = joinRequest({ room: 'paused', name: 'Ada' });
    const ada = await connectClient(url(0));
    const adaId = idOf(await request(ada, 'join', hostJoin));
    const bob = await connectClient(url(1));
    const bobId = idOf(await request(bob, 'join', joinRequest({ room: 'paused', name: 'Bob', create: undefined })));
    const bobSawLeave = record<{ id: string }>(bob, 'participant-left');
    const adaSawLeave = record<{ id: string }>(ada, 'participant-left');

    // Ada's node runs the meeting (she started it there). It stops for 2.5 s: past its 1.5 s lease.
    nodes[0]!.process.kill('SIGSTOP');
    try {
      await settle(1800);
      // Bob's request meanwhile makes his node take the meeting over.
      expect(await request(bob, 'raise-hand', { raised: true })).toEqual({ ok: true });
      await settle(700);
    } finally {
      nodes[0]!.process.kill('SIGCONT');
    }
    await settle(800);

    // Ada, on the node that woke up, is still in the meeting and still its host.
    expect(await request(ada, 'raise-hand', { raised: true })).toEqual({ ok: true });
    const locked = nextEvent<{ locked: boolean }>(bob, 'room-settings');
    expect(await request(ada, 'host-settings', { locked: false })).toMatchObject({ ok: true, room: { hostId: adaId } });
    expect(await locked).toMatchObject({ locked: false, hostId: adaId });

    // A newcomer sees everyone, the host as host; the others see the newcomer.
    const adaSeesCy = nextEvent<{ name: string }>(ada, 'participant-joined');
    const bobSeesCy = nextEvent<{ name: string }>(bob, 'participant-joined');
    const cy = await connectClient(url(2));
    const cyReply = await request(cy, 'join', joinRequest({ room: 'paused', name: 'Cy', create: undefined }));
    expect(cyReply).toMatchObject({ ok: true, room: { hostId: adaId } });
    const present = (cyReply.participants as Seen[]).map((p) => ({ id: p.id, host: p.host, hand: p.hand !== null }));
    expect(present).toEqual(
      expect.arrayContaining([
        { id: adaId, host: true, hand: true },
        { id: bobId, host: false, hand: true },
      ]),
    );
    expect(present).toHaveLength(2);
    expect(await adaSeesCy).toMatchObject({ name: 'Cy' });
    expect(await bobSeesCy).toMatchObject({ name: 'Cy' });

    // Signals and chat still go both ways between the host and the others.
    const toAda = nextEvent<{ from: string }>(ada, 'signal');
    expect(await request(cy, 'signal', { to: adaId, kind: 'candidate', candidate: null })).toEqual({ ok: true });
    expect(await toAda).toMatchObject({ from: idOf(cyReply) });
    const chat = nextEvent<{ text: string }>(cy, 'chat-message');
    expect(await request(ada, 'chat-send', { id: 'paused-00001', text: 'still here' })).toMatchObject({ ok: true });
    expect(await chat).toMatchObject({ text: 'still here' });

    // Nobody was told anyone left.
    expect(bobSawLeave).toEqual([]);
    expect(adaSawLeave).toEqual([]);
    // The node that was paused dropped its copy: the meeting runs on Bob's node only.
    expect(await meetingsOn(0)).toBe(0);
    expect(await meetingsOn(1)).toBe(1);

    // The host's controls reach the others: she mutes Cy.
    const muted = nextEvent<{ kind: string }>(cy, 'host-notice');
    expect(await request(ada, 'mute', { id: idOf(cyReply) })).toEqual({ ok: true });
    expect(await muted).toMatchObject({ kind: 'muted' });
  });

  it("the meeting's node killed: the waiting room, a host's mute and raised hands survive on the node that takes over", async () => {
    const hostJoin = joinRequest({ room: 'lasting', name: 'Ada', create: { waitingRoom: true } });
    const ada = await connectClient(url(0));
    const adaId = idOf(await request(ada, 'join', hostJoin));

    // Bob waits, is let in, raises his hand; the host mutes him.
    const bob = await connectClient(url(1));
    const bobWaits = nextEvent<{ waiting: Array<{ id: string }> }>(ada, 'waiting-list');
    expect(await request(bob, 'join', joinRequest({ room: 'lasting', name: 'Bob', create: undefined }))).toEqual({ ok: true, waiting: true });
    const bobId = (await bobWaits).waiting[0]!.id;
    const bobIn = nextEvent<{ self: { id: string } }>(bob, 'admitted');
    expect(await request(ada, 'admit', { id: bobId })).toEqual({ ok: true });
    expect((await bobIn).self.id).toBe(bobId);
    expect(await request(bob, 'raise-hand', { raised: true })).toEqual({ ok: true });
    const notice = nextEvent(bob, 'host-notice');
    expect(await request(ada, 'mute', { id: bobId })).toEqual({ ok: true });
    await notice;

    // Gus waits, on a third node.
    const gus = await connectClient(url(2));
    const gusWaits = nextEvent<{ waiting: Array<{ id: string; name: string }> }>(ada, 'waiting-list');
    expect(await request(gus, 'join', joinRequest({ room: 'lasting', name: 'Gus', create: undefined }))).toEqual({ ok: true, waiting: true });
    const gusId = (await gusWaits).waiting[0]!.id;
    // Hal waits on the node that will die, and never comes back.
    const hal = await connectClient(url(0));
    const halWaits = nextEvent<{ waiting: Array<{ id: string }> }>(ada, 'waiting-list');
    expect(await request(hal, 'join', joinRequest({ room: 'lasting', name: 'Hal', create: undefined }))).toEqual({ ok: true, waiting: true });
    const halId = (await halWaits).waiting.find((w) => w.id !== gusId)!.id;
    await settle(200);

    // The meeting's node dies; Ada comes back through another.
    await nodes[0]!.stop('SIGKILL');
    const adaBack = await connectClient(url(1));
    const waitingList = nextEvent<{ waiting: Array<{ id: string; name: string }> }>(adaBack, 'waiting-list', 6000);
    // Her join goes to the dead node until its key is gone (1.5 s at most), then is taken over: no 4 s call timeout.
    const started = Date.now();
    const back = (await adaBack.timeout(6000).emitWithAck('join', hostJoin)) as Reply;
    const took = Date.now() - started;
    expect(took, `the host's rejoin after the owner's kill took ${took} ms`).toBeLessThan(3000);
    expect(back).toMatchObject({ ok: true, self: { id: adaId, host: true } });
    const bobSeen = (back.participants as Seen[]).find((p) => p.id === bobId);
    expect(bobSeen, 'Bob is still in the meeting').toBeDefined();
    expect(bobSeen!.media.audio, "the host's mute held").toBe(false);
    expect(bobSeen!.hand, 'his hand is still up').not.toBeNull();
    // Gus still waits, and the host can let him in; Hal, whose node died, leaves the list after the grace.
    expect((await waitingList).waiting.map((w) => w.id).sort()).toEqual([gusId, halId].sort());
    const lists = record<{ waiting: Array<{ id: string }> }>(adaBack, 'waiting-list');
    const gusIn = nextEvent<{ self: { id: string }; participants: Array<{ id: string }> }>(gus, 'admitted');
    expect(await request(adaBack, 'admit', { id: gusId })).toEqual({ ok: true });
    const admitted = await gusIn;
    expect(admitted.self.id).toBe(gusId);
    expect(admitted.participants.map((p) => p.id).sort()).toEqual([adaId, bobId].sort());
    await expect.poll(() => lists.at(-1)?.waiting, { timeout: 9000 }).toEqual([]);
    // The meeting's record (for its host) goes on: one record of this meeting, not one per node.
    await settle(1200);
    const records = await request(adaBack, 'meeting-records', { secrets: [hostJoin.secret] });
    expect((records.meetings as Array<{ code: string }>).filter((m) => m.code === 'lasting')).toHaveLength(1);
    nodes[0] = await startNode('node-1', env(), 0, ['--metrics']);
  });

  it('its node cut off from Redis past the orphan grace: the new owner dropped its people, and once back in touch it has them join again', async () => {
    const proxy = await redisProxy(redis.port);
    const cutOff = await startNode('node-4', { ...env(), ROUNDTABLE_REDIS_URL: proxy.url });
    try {
      const hostJoin = joinRequest({ room: 'cut-off', name: 'Ada' });
      const ada = appClient(cutOff.url, hostJoin);
      await expect.poll(() => ada.joins.length).toBe(1);
      const adaId = idOf(ada.joins[0]!);
      const bob = await connectClient(url(1));
      const bobId = idOf(await request(bob, 'join', joinRequest({ room: 'cut-off', name: 'Bob', create: undefined })));
      const adaLeft = nextEvent<{ id: string }>(bob, 'participant-left', 15_000);

      proxy.cut();
      await settle(1800);
      // Bob's node takes the meeting over; Ada's node looks dead, so after the grace she counts as gone.
      expect(await request(bob, 'raise-hand', { raised: true })).toEqual({ ok: true });
      expect(await adaLeft).toMatchObject({ id: adaId });
      const adaBack = nextEvent<{ id: string; host: boolean }>(bob, 'participant-joined', 15_000);
      proxy.restore();

      // Her node finds it lost the meeting and closes her connection; her app comes back and joins again, as host.
      expect(await adaBack).toMatchObject({ id: adaId, host: true });
      await expect.poll(() => ada.joins.length, { timeout: 5000 }).toBe(2);
      expect(ada.joins[1]).toMatchObject({ ok: true, self: { id: adaId, host: true }, participants: [expect.objectContaining({ id: bobId })] });
      expect(await request(ada.socket, 'raise-hand', { raised: true })).toEqual({ ok: true });
      const cy = await connectClient(url(2));
      const cyReply = await request(cy, 'join', joinRequest({ room: 'cut-off', name: 'Cy', create: undefined }));
      expect((cyReply.participants as Seen[]).map((p) => [p.id, p.host]).sort()).toEqual(
        [
          [adaId, true],
          [bobId, false],
        ].sort(),
      );
      ada.socket.disconnect();
    } finally {
      await cutOff.stop('SIGKILL');
      await proxy.close();
    }
  });
});
