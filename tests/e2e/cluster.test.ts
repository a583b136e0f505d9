import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type ServerNode } from '../../signaling-server/test/support/nodes';
import { startPostgres, startRedis, type RunningService } from '../../signaling-server/test/support/services';
import { startBalancer, type Balancer } from './support/balancer';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { keepsMoving, phase, until, videoMoving } from './support/fault-probes';
import { GAP_WATCH } from './support/media-gaps';
import { chatMessages, joinMeeting, openChat, peerStats, remoteTileIds, typeChatMessages, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { WEB_ROOT } from './support/paths';

/** Two people whose browsers reach different nodes of a cluster (Redis and PostgreSQL) meet. */
let redis: RunningService;
let postgres: RunningService;
let nodes: ServerNode[] = [];
let balancer: Balancer;
/** The nodes the load balancer sends new connections to, in order of preference (the first that answers). */
let behindBalancer: number[] = [];
let startOne: (name: string, extraArgs?: string[]) => Promise<ServerNode>;
let failoverTries = 0;
beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  balancer = await startBalancer(() => behindBalancer);
  const env = { ROUNDTABLE_REDIS_URL: redis.url, ROUNDTABLE_DATABASE_URL: postgres.url };
  // As behind nginx: the address people use is the balancer's.
  const args = ['--web-root', WEB_ROOT, '--public-url', balancer.url];
  startOne = async (name, extraArgs = []) => {
    const node = await startNode(name, env, 0, [...args, ...extraArgs]);
    nodes.push(node);
    return node;
  };
  nodes = await Promise.all(['node-1', 'node-2', 'node-3'].map((name) => startNode(name, env, 0, args)));
  behindBalancer = [nodes[1]!.port, nodes[2]!.port];
}, 90_000);
/**
 * In Bob's page: when each signaling connection opened, and each change of the meeting's phase
 * (Date.now() in the page), to tell how long after his reconnect he was back.
 */
const WATCH_RECONNECTS = `(() => {
  const opens = [];
  const phases = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => opens.push(Date.now()));
    }
  };
  let last = null;
  setInterval(() => {
    const phase = document.querySelector('main.meeting')?.getAttribute('data-phase') ?? null;
    if (phase !== last) phases.push({ phase, at: Date.now() });
    last = phase;
  }, 20);
  window.reconnectWatch = { opens: () => opens, phases: () => phases };
})();`;

afterAll(async () => {
  await closeAllParticipants();
  await balancer?.close();
  await Promise.all(nodes.map((node) => node.stop('SIGTERM')));
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

describe('a meeting on two nodes', () => {
  it('people connected to different nodes see and hear each other', async () => {
    const ada = await launchParticipant({ color: 'red' });
    const bob = await launchParticipant({ color: 'blue' });
    const adaId = await joinMeeting(ada.page, nodes[0]!.url, 'two-nodes', 'Ada');
    const bobId = await joinMeeting(bob.page, nodes[1]!.url, 'two-nodes', 'Bob');
    await waitForRemoteTiles(ada.page, [bobId]);
    await waitForRemoteTiles(bob.page, [adaId]);
    expect(await waitForTileColor(ada.page, bobId, 'blue')).toBe('blue');
    expect(await waitForTileColor(bob.page, adaId, 'red')).toBe('red');
    for (const [page, other] of [
      [ada.page, bobId],
      [bob.page, adaId],
    ] as const) {
      await expect.poll(async () => (await peerStats(page, other))?.audio.packetsReceived ?? 0, { timeout: 10_000 }).toBeGreaterThan(10);
    }
  });

  it("kill -9 of a participant's node: their tile stays for the others, they are back within 2 s, their chat arrives once", async () => {
    // A node of its own for Bob and a meeting of its own, each try (a retry finds the last try's node dead).
    const tries = ++failoverTries;
    const doomed = await startOne(`node-doomed-${tries}`);
    behindBalancer = [doomed.port, nodes[2]!.port];
    const room = `failover-${tries}`;
    const ada = await launchParticipant({ color: 'red' });
    const bob = await launchParticipant({ color: 'blue' });
    try {
      await bob.page.addInitScript(WATCH_RECONNECTS);
      // Ada reaches node 1; Bob goes through the load balancer, which sends him to his node.
      const adaId = await joinMeeting(ada.page, nodes[0]!.url, room, 'Ada');
      const bobId = await joinMeeting(bob.page, balancer.url, room, 'Bob');
      expect(await waitForTileColor(ada.page, bobId, 'blue')).toBe('blue');
      expect(await waitForTileColor(bob.page, adaId, 'red')).toBe('red');
      await openChat(ada.page);
      await openChat(bob.page);
      const text = (i: number): string => `around the kill ${String(i).padStart(3, '0')}`;
      await typeChatMessages(
        bob.page,
        Array.from({ length: 20 }, (_, i) => text(i)),
      );

      // Ada's view of the meeting, sampled from the kill until Bob is back.
      const shown: string[][] = [];
      let watching = true;
      const watch = (async () => {
        while (watching) {
          shown.push(await remoteTileIds(ada.page));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      await doomed.stop('SIGKILL');
      await until(async () => ((await phase(bob.page)) === 'reconnecting' ? true : undefined), 10_000, 'Bob reconnecting');
      await typeChatMessages(
        bob.page,
        Array.from({ length: 20 }, (_, i) => text(20 + i)),
      );
      await until(async () => ((await phase(bob.page)) === 'joined' ? true : undefined), 10_000, 'Bob back');
      watching = false;
      await watch;
      // Back in the meeting within 2 s of his reconnect: from his new connection's opening (to the
      // node the balancer sends him to now) to the meeting's phase saying so, both seen in his page.
      const watched = (await bob.page.evaluate('({ opens: window.reconnectWatch.opens(), phases: window.reconnectWatch.phases() })')) as {
        opens: number[];
        phases: { phase: string | null; at: number }[];
      };
      const lost = watched.phases.findLast((p) => p.phase === 'reconnecting')!.at;
      const back = watched.phases.find((p) => p.phase === 'joined' && p.at > lost)!.at;
      const reconnected = watched.opens.findLast((at) => at <= back)!;
      console.log(`kill -9: Bob back ${back - reconnected} ms after his reconnect (${back - lost} ms after the drop)`);
      expect(reconnected).toBeGreaterThan(lost);
      expect(back - reconnected).toBeLessThan(2000);
      expect(new Set(shown.map((ids) => ids.join()))).toEqual(new Set([bobId]));
      expect(await keepsMoving(ada.page, bobId, 1000)).toBe(true);
      const expected = Array.from({ length: 40 }, (_, i) => text(i));
      for (const page of [ada.page, bob.page]) {
        await expect.poll(async () => (await chatMessages(page)).filter((m) => m.status === 'sent').map((m) => m.text), { timeout: 30_000 }).toEqual(expected);
      }
    } finally {
      await Promise.all([ada.close(), bob.close()]);
    }
  });
});

const route = (page: Page): Promise<string | null> => page.evaluate(() => (window as unknown as { roundtable: { route(): string | null } }).roundtable.route());
/** Connections the page holds open now, and has made so far (GAP_WATCH). */
const openConnections = (page: Page): Promise<number> => page.evaluate('window.gapWatch.connections()') as Promise<number>;
const connectionsMade = (page: Page): Promise<number> => page.evaluate('window.gapWatch.made()') as Promise<number>;

describe('a meeting on the SFU, in a cluster', () => {
  it("goes through the SFU of the node that owns it, whichever node each person reaches; when that node dies, through the next owner's", async () => {
    // Two nodes of their own whose meetings go through the SFU from the first person.
    const [first, second] = await Promise.all(['sfu-node-1', 'sfu-node-2'].map((name) => startOne(name, ['--sfu-from', '0'])));
    const ada = await launchParticipant({ color: 'red' });
    const bob = await launchParticipant({ color: 'blue' });
    const before = behindBalancer;
    try {
      for (const { page } of [ada, bob]) await page.addInitScript(GAP_WATCH);
      // Both through the load balancer: Ada reaches the first node, which comes to own the meeting; Bob the second.
      behindBalancer = [first!.port];
      const adaId = await joinMeeting(ada.page, balancer.url, 'big-on-two-nodes', 'Ada');
      behindBalancer = [second!.port];
      const bobId = await joinMeeting(bob.page, balancer.url, 'big-on-two-nodes', 'Bob');
      // One SFU carries both (two SFUs that know nothing of each other would show nobody).
      expect(await waitForTileColor(ada.page, bobId, 'blue', 30_000)).toBe('blue');
      expect(await waitForTileColor(bob.page, adaId, 'red', 30_000)).toBe('red');
      for (const page of [ada.page, bob.page]) {
        expect(await route(page)).toBe('sfu');
        expect(await openConnections(page)).toBe(2);
      }

      // The owner dies, and its SFU with it: the second node takes the meeting over and runs its
      // media on its own SFU; each person's connections are made anew there.
      const made = await Promise.all([ada.page, bob.page].map(connectionsMade));
      await first!.stop('SIGKILL');
      const killedAt = Date.now();
      for (const [i, page] of [ada.page, bob.page].entries()) {
        await until(
          async () => ((await connectionsMade(page)) >= made[i]! + 2 && (await openConnections(page)) === 2 ? true : undefined),
          60_000,
          'new SFU connections',
        );
      }
      const [adaSees, bobSees] = await Promise.all([videoMoving(ada.page, bobId, 'blue', 60_000), videoMoving(bob.page, adaId, 'red', 60_000)]);
      console.log(`SFU owner killed: video back after ${adaSees - killedAt} ms (Ada) and ${bobSees - killedAt} ms (Bob)`);
      for (const page of [ada.page, bob.page]) expect(await route(page)).toBe('sfu');
      expect(await remoteTileIds(ada.page)).toEqual([bobId]);
      expect(await remoteTileIds(bob.page)).toEqual([adaId]);
    } finally {
      behindBalancer = before;
      await Promise.all([ada.close(), bob.close()]);
    }
  });
});
