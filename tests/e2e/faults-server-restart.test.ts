import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllParticipants } from './support/chromium';
import { iceCredentials, keepsMoving } from './support/fault-probes';
import { restartServer, startCall, type Call } from './support/fault-scenarios';
import { startServerProcess, type ServerProcess } from './support/server-process';

let server: ServerProcess | undefined;
/** Who `page`'s meeting says is the host. */
const hostOf = (page: Page): Promise<string | null> =>
  page.evaluate(() => (window as unknown as { roundtable: { hostId(): string | null } }).roundtable.hostId());
// Each try ends with its browsers and its server gone: a retry's server can be given the port a
// failed try's server had, and that try's pages, still retrying it, would walk into the new meeting.
afterEach(async () => {
  await closeAllParticipants();
  await server?.kill();
  server = undefined;
});

// A call, a stop and a start of the server process (from source, through tsx): on a two-core
// machine one try takes 60-90 s, so a retry (vitest.config.ts) needs more than the usual 120 s.
describe.each(['SIGKILL', 'SIGTERM'] as const)('the signaling server stopped mid-call with %s and started again', { timeout: 180_000 }, (signal) => {
  it('keeps the media flowing peer to peer; both rejoin within 2 s of the server being back, with no tile lost or doubled; the host is still the host, back last', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rt-faults-server-'));
    await server?.kill();
    server = await startServerProcess(0, dataDir);
    const call: Call = await startCall(`restart-${signal.toLowerCase()}`, { url: server.url });
    const { ada, bob } = call;
    const connectionsBefore = await Promise.all([iceCredentials(ada.browser.page), iceCredentials(bob.browser.page)]);

    // Ada's network stays down until Bob is back (the case where the host role once moved to him).
    const restart = await restartServer(call, server, dataDir, signal, { adaBackLast: true });
    server = restart.server;
    // Ada started the meeting: she hosts it still, though Bob was back first and alone for a second.
    expect(restart.hostWhileAdaAway).toBe(ada.id);
    for (const page of [ada.browser.page, bob.browser.page]) expect(await hostOf(page)).toBe(ada.id);

    expect(restart.flowedWhileDown).toEqual({ ada: true, bob: true });
    // The deadline: rejoined within 2 s of the server listening again (Ada: of her network's return).
    expect(restart.rejoinMs.ada).toBeLessThanOrEqual(2000);
    expect(restart.rejoinMs.bob).toBeLessThanOrEqual(2000);
    // From the kill to both rejoins, each showed exactly the other: never lost, never twice.
    expect(new Set(restart.shown.ada.map((ids) => ids.join()))).toEqual(new Set([bob.id]));
    expect(new Set(restart.shown.bob.map((ids) => ids.join()))).toEqual(new Set([ada.id]));

    // The same connections still carry the call (nothing was torn down), and the video still moves.
    expect(await Promise.all([iceCredentials(ada.browser.page), iceCredentials(bob.browser.page)])).toEqual(connectionsBefore);
    expect(await keepsMoving(ada.browser.page, bob.id, 1000)).toBe(true);
    expect(await keepsMoving(bob.browser.page, ada.id, 1000)).toBe(true);
  });
});
