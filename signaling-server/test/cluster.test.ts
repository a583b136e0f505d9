import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients, connectClient, joinRequest, nextEvent, record, request, settle, type Reply } from './harness.js';
import { startNode, type ServerNode } from './support/nodes.js';
import { startPostgres, startRedis, type RunningService } from './support/services.js';
import { downloadToken, get, grant, pdf, put, sha256 } from './support/files.js';

/**
 * Three nodes sharing meetings through Redis and PostgreSQL: people connected to different nodes
 * meet, and every rule of a private meeting holds across them.
 */
let redis: RunningService;
let postgres: RunningService;
let nodes: ServerNode[] = [];
const env = (): Record<string, string> => ({ ROUNDTABLE_REDIS_URL: redis.url, ROUNDTABLE_DATABASE_URL: postgres.url });

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  nodes = await Promise.all(['node-1', 'node-2', 'node-3'].map((name) => startNode(name, env())));
}, 90_000);
afterAll(async () => {
  closeClients();
  await Promise.all(nodes.map((node) => node.stop('SIGTERM')));
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

const url = (n: number): string => nodes[n]!.url;
const idOf = (reply: Reply): string => (reply.self as { id: string }).id;

describe('a meeting across three nodes', () => {
  it('people on different nodes meet: join, signal, chat, media', async () => {
    const ada = await connectClient(url(0));
    const adaId = idOf(await request(ada, 'join', joinRequest({ room: 'spread', name: 'Ada' })));
    const arrived = nextEvent<{ id: string; name: string }>(ada, 'participant-joined');
    const bob = await connectClient(url(1));
    const bobReply = await request(bob, 'join', joinRequest({ room: 'spread', name: 'Bob', create: undefined }));
    expect(bobReply).toMatchObject({ ok: true, participants: [expect.objectContaining({ id: adaId, name: 'Ada', host: true })] });
    expect(await arrived).toMatchObject({ name: 'Bob' });

    const signal = nextEvent<{ from: string; kind: string }>(ada, 'signal');
    expect(await request(bob, 'signal', { to: adaId, kind: 'candidate', candidate: null })).toEqual({ ok: true });
    expect(await signal).toEqual({ from: idOf(bobReply), kind: 'candidate', candidate: null });

    const message = nextEvent<{ text: string; seq: number }>(ada, 'chat-message');
    expect(await request(bob, 'chat-send', { id: 'across-00001', text: 'from node 2' })).toMatchObject({ ok: true, message: { seq: 1 } });
    expect(await message).toMatchObject({ text: 'from node 2', seq: 1 });

    const cy = await connectClient(url(2));
    await request(cy, 'join', joinRequest({ room: 'spread', name: 'Cy', create: undefined }));
    expect((await request(cy, 'chat-history', { limit: 10 })).messages).toEqual([expect.objectContaining({ text: 'from node 2' })]);
    const updated = nextEvent<{ id: string; media: { audio: boolean } }>(cy, 'participant-updated');
    await request(bob, 'media', { audio: false, video: true });
    expect(await updated).toMatchObject({ id: idOf(bobReply), media: { audio: false } });
  });

  it('the waiting room, the passcode and a ban hold with the host and the guest on different nodes', async () => {
    const hostJoin = joinRequest({ room: 'guarded', name: 'Ada', create: { passcode: 'across-nodes', waitingRoom: true } });
    const ada = await connectClient(url(0));
    await request(ada, 'join', hostJoin);
    const guestJoin = joinRequest({ room: 'guarded', name: 'Bob', create: undefined });
    const bob = await connectClient(url(1));
    expect(await request(bob, 'join', guestJoin)).toMatchObject({ ok: false, error: { code: 'passcode-required' } });
    expect(await request(bob, 'join', { ...guestJoin, passcode: 'wrong-passcode' })).toMatchObject({ ok: false, error: { code: 'passcode-wrong' } });
    // The per-address back-off holds on another node too.
    const bob2 = await connectClient(url(2));
    expect(await request(bob2, 'join', { ...guestJoin, passcode: 'across-nodes' })).toMatchObject({ ok: false, error: { code: 'rate-limited' } });
    await settle(1100);
    const waitingList = nextEvent<{ waiting: Array<{ id: string }> }>(ada, 'waiting-list');
    expect(await request(bob2, 'join', { ...guestJoin, passcode: 'across-nodes' })).toEqual({ ok: true, waiting: true });
    const [waiter] = (await waitingList).waiting;
    const admitted = nextEvent<{ self: { id: string } }>(bob2, 'admitted');
    expect(await request(ada, 'admit', { id: waiter!.id })).toEqual({ ok: true });
    expect((await admitted).self.id).toBe(waiter!.id);

    // Removed (a ban): stays out on every node.
    const away = nextEvent(bob2, 'sent-away');
    expect(await request(ada, 'remove', { id: waiter!.id })).toEqual({ ok: true });
    await away;
    for (const n of [0, 1, 2]) {
      const again = await connectClient(url(n));
      expect(await request(again, 'join', { ...guestJoin, passcode: 'across-nodes' }), `node ${n + 1}`).toMatchObject({ ok: false, error: { code: 'banned' } });
    }
  });

  it("the host's grace holds across nodes: nobody takes the role or skips the passcode meanwhile", async () => {
    const hostJoin = joinRequest({ room: 'graceful', name: 'Ada', create: { passcode: 'across-nodes' } });
    const ada = await connectClient(url(0));
    const adaId = idOf(await request(ada, 'join', hostJoin));
    const bob = await connectClient(url(1));
    await request(bob, 'join', joinRequest({ room: 'graceful', name: 'Bob', create: undefined, passcode: 'across-nodes' }));
    ada.disconnect();
    await request(bob, 'leave', {});
    await settle(200);
    const eve = await connectClient(url(2));
    expect(await request(eve, 'join', joinRequest({ room: 'graceful', name: 'Eve' }))).toMatchObject({ ok: false, error: { code: 'passcode-required' } });
    const back = await connectClient(url(2));
    expect(await request(back, 'join', hostJoin)).toMatchObject({ ok: true, self: { id: adaId, host: true } });
  });

  it('a node killed mid-meeting: its people come back through another, nobody else sees them leave, 300 chat messages arrive once', async () => {
    const ada = await connectClient(url(0));
    await request(ada, 'join', joinRequest({ room: 'survivor', name: 'Ada' }));
    // Six people on the node that will die, each writing 50 messages around the kill.
    const joins = Array.from({ length: 6 }, (_, i) => joinRequest({ room: 'survivor', name: `P${i}`, create: undefined }));
    const before = await Promise.all(
      joins.map(async (join) => {
        const socket = await connectClient(url(1));
        return { socket, id: idOf(await request(socket, 'join', join)) };
      }),
    );
    const departures = record(ada, 'participant-left');
    const seen = record<{ id: string; seq: number }>(ada, 'chat-message');
    const send = async (socket: typeof ada, person: number, from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i += 1) {
        await request(socket, 'chat-send', { id: `survivor-${person}-${String(i).padStart(4, '0')}`, text: `P${person} m${i}` }).catch(() => undefined);
      }
    };
    await Promise.all(before.map(({ socket }, person) => send(socket, person, 0, 25)));
    await nodes[1]!.stop('SIGKILL');
    // Their apps reconnect to another node and join again as themselves; each outbox goes again
    // from where its acknowledgements stopped (a message may be sent twice: it is stored once).
    const started = Date.now();
    const after = await Promise.all(
      joins.map(async (join, person) => {
        const socket = await connectClient(url(2));
        const reply = await request(socket, 'join', join);
        return { socket, id: idOf(reply), took: Date.now() - started, person };
      }),
    );
    for (const [n, back] of after.entries()) {
      expect(back.id).toBe(before[n]!.id);
      expect(back.took).toBeLessThan(2000);
    }
    await Promise.all(after.map(({ socket, person }) => send(socket, person, 20, 50)));
    await settle(500);
    expect(departures).toEqual([]);
    expect(seen).toHaveLength(300);
    expect(new Set(seen.map((m) => m.id)).size).toBe(300);
    // Numbered 1..300, posted in that order, and each writer's in the order written.
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    for (let person = 0; person < 6; person += 1) {
      const mine = seen.filter((m) => m.id.startsWith(`survivor-${person}-`)).map((m) => m.id);
      expect(mine).toEqual([...mine].sort());
    }
    nodes[1] = await startNode('node-2', env());
  });

  it("the meeting's own node killed: another takes it over, with its host, rules and people", async () => {
    const ada = await connectClient(url(0));
    const hostJoin = joinRequest({ room: 'orphaned', name: 'Ada', create: { passcode: 'across-nodes' } });
    const adaId = idOf(await request(ada, 'join', hostJoin));
    const bob = await connectClient(url(2));
    const bobId = idOf(await request(bob, 'join', joinRequest({ room: 'orphaned', name: 'Bob', create: undefined, passcode: 'across-nodes' })));
    await request(bob, 'chat-send', { id: 'orphaned-0001', text: 'before the crash' });
    // Ada's node runs the meeting (she started it there); it dies.
    await nodes[0]!.stop('SIGKILL');
    await settle(1800);
    // Bob, on a node that lives, is still in it: his requests now go to whichever node took it over.
    expect((await request(bob, 'chat-history', { limit: 10 })).messages).toEqual([expect.objectContaining({ text: 'before the crash' })]);
    const adaBack = await connectClient(url(1));
    expect(await request(adaBack, 'join', hostJoin)).toMatchObject({
      ok: true,
      self: { id: adaId, host: true },
      participants: [expect.objectContaining({ id: bobId })],
    });
    const eve = await connectClient(url(1));
    expect(await request(eve, 'join', joinRequest({ room: 'orphaned', name: 'Eve' }))).toMatchObject({ ok: false, error: { code: 'passcode-required' } });
    nodes[0] = await startNode('node-1', env());
  });

  it('a file offered on one node uploads to another and downloads from a third (the bytes are in PostgreSQL)', async () => {
    const ada = await connectClient(url(0));
    await request(ada, 'join', joinRequest({ room: 'shared-files', name: 'Ada' }));
    const bob = await connectClient(url(1));
    await request(bob, 'join', joinRequest({ room: 'shared-files', name: 'Bob', create: undefined }));
    const bytes = pdf('across nodes');
    const up = await grant(bob, { name: 'across.pdf', size: bytes.length, type: 'application/pdf' });
    const adaSees = nextEvent<{ file: { id: string } }>(ada, 'chat-message');
    const uploaded = await put(url(2), up.fileId, up.token, bytes);
    expect(uploaded.json()).toMatchObject({ ok: true, message: { file: { id: up.fileId, sha256: sha256(bytes) } } });
    expect(await adaSees).toMatchObject({ file: { id: up.fileId } });
    const download = await get(url(1), up.fileId, await downloadToken(ada, up.fileId));
    expect(sha256(download.body)).toBe(sha256(bytes));
    // Nobody else's token, on any node.
    expect((await get(url(2), up.fileId, null)).status).toBe(401);
  });

  it('Redis restarted: the nodes reconnect and the meeting goes on', async () => {
    const ada = await connectClient(url(0));
    await request(ada, 'join', joinRequest({ room: 'steady', name: 'Ada' }));
    const bob = await connectClient(url(1));
    await request(bob, 'join', joinRequest({ room: 'steady', name: 'Bob', create: undefined }));
    const port = redis.port;
    await redis.stop();
    redis = await startRedis(port);
    await settle(1500);
    const message = nextEvent<{ text: string }>(ada, 'chat-message', 10_000);
    expect(await request(bob, 'chat-send', { id: 'steady-00001', text: 'after Redis came back' })).toMatchObject({ ok: true });
    expect(await message).toMatchObject({ text: 'after Redis came back' });
  });
});
