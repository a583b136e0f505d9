import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type ServerNode } from '../../signaling-server/test/support/nodes';
import { startPostgres, startRedis, type RunningService } from '../../signaling-server/test/support/services';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { joinMeeting, peerStats, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { WEB_ROOT } from './support/paths';

/** Two people whose browsers reach different nodes of a cluster (Redis and PostgreSQL) meet. */
let redis: RunningService;
let postgres: RunningService;
let nodes: ServerNode[] = [];
beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const env = { ROUNDTABLE_REDIS_URL: redis.url, ROUNDTABLE_DATABASE_URL: postgres.url };
  nodes = await Promise.all(['node-1', 'node-2'].map((name) => startNode(name, env, 0, ['--web-root', WEB_ROOT])));
}, 90_000);
afterAll(async () => {
  await closeAllParticipants();
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
});
