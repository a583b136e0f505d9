import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type ServerNode } from '../../signaling-server/test/support/nodes';
import { startPostgres, startRedis, type RunningService } from '../../signaling-server/test/support/services';
import { startBalancer, type Balancer } from './support/balancer';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { keepsMoving, phase, until } from './support/fault-probes';
import { chatMessages, joinMeeting, openChat, peerStats, remoteTileIds, typeChatMessages, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { WEB_ROOT } from './support/paths';

/** Two people whose browsers reach different nodes of a cluster (Redis and PostgreSQL) meet. */
let redis: RunningService;
let postgres: RunningService;
let nodes: ServerNode[] = [];
let balancer: Balancer;
/** The nodes the load balancer sends new connections to, in order of preference (the first that answers). */
let behindBalancer: number[] = [];
beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  balancer = await startBalancer(() => behindBalancer);
  const env = { ROUNDTABLE_REDIS_URL: redis.url, ROUNDTABLE_DATABASE_URL: postgres.url };
  // As behind nginx: the address people use is the balancer's.
  const args = ['--web-root', WEB_ROOT, '--public-url', balancer.url];
  nodes = await Promise.all(['node-1', 'node-2', 'node-3'].map((name) => startNode(name, env, 0, args)));
  behindBalancer = [nodes[1]!.port, nodes[2]!.port];
}, 90_000);
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
    const ada = await launchParticipant({ color: 'red' });
    const bob = await launchParticipant({ color: 'blue' });
    // Ada reaches node 1; Bob goes through the load balancer, which sends him to node 2.
    const adaId = await joinMeeting(ada.page, nodes[0]!.url, 'failover', 'Ada');
    const bobId = await joinMeeting(bob.page, balancer.url, 'failover', 'Bob');
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
    await nodes[1]!.stop('SIGKILL');
    await until(async () => ((await phase(bob.page)) === 'reconnecting' ? true : undefined), 10_000, 'Bob reconnecting');
    const reconnecting = Date.now();
    await typeChatMessages(
      bob.page,
      Array.from({ length: 20 }, (_, i) => text(20 + i)),
    );
    await until(async () => ((await phase(bob.page)) === 'joined' ? true : undefined), 10_000, 'Bob back');
    const backMs = Date.now() - reconnecting;
    watching = false;
    await watch;
    expect(backMs).toBeLessThan(2000 + 1000); // his reconnect itself waits up to 0.5 s, then 2 s to be back
    expect(new Set(shown.map((ids) => ids.join()))).toEqual(new Set([bobId]));
    expect(await keepsMoving(ada.page, bobId, 1000)).toBe(true);
    const expected = Array.from({ length: 40 }, (_, i) => text(i));
    for (const page of [ada.page, bob.page]) {
      await expect.poll(async () => (await chatMessages(page)).filter((m) => m.status === 'sent').map((m) => m.text), { timeout: 30_000 }).toEqual(expected);
    }
  });
});
