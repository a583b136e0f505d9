import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumBehind, closeFileBrowsers, launchParticipant, type Participant } from './support/chromium';

// The test browsers' pool (support/chromium.ts): what it hands on, and what it closes after a file.
// The end-to-end files rely on it for a third of their browsers' cost; if it handed a page the
// last participant's storage, or a file the browser of another file's network namespace, tests
// would pass or fail for reasons of their neighbours.

const pid = (p: Participant): number | undefined => p.server.process().pid;
/** The program the participant's browser process runs, as the system sees it (not the launcher script). */
async function program(p: Participant): Promise<string> {
  const session = await p.browser.newBrowserCDPSession();
  const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; id: number }> };
  await session.detach();
  return readlinkSync(`/proc/${processInfo.find((info) => info.type === 'browser')!.id}/exe`);
}
const dir = mkdtempSync(join(tmpdir(), 'rt-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the test browsers', () => {
  it('go to the next participant who asks for the same camera, in a context of their own', async () => {
    const first = await launchParticipant({ color: 'red' });
    await first.page.context().addCookies([{ name: 'last', value: 'participant', url: 'http://127.0.0.1/' }]);
    await first.close();

    const next = await launchParticipant({ color: 'red' });
    expect(pid(next)).toBe(pid(first));
    expect(await next.page.context().cookies()).toEqual([]);
    // Another camera is another browser.
    const other = await launchParticipant({ color: 'blue' });
    expect(pid(other)).not.toBe(pid(first));
    await Promise.all([next.close(), other.close()]);
  });

  it("are Chromium's headless shell, unless a test asks for the full browser", async () => {
    const shell = await launchParticipant({ color: 'red' });
    const full = await launchParticipant({ color: 'red', fullChromium: true });
    expect(await program(shell)).toMatch(/headless[-_]shell$/);
    expect(await program(full)).not.toMatch(/headless/);
    await Promise.all([shell.close(), full.close()]);
  });

  it('never hand on a browser that was killed', async () => {
    const killed = await launchParticipant({ color: 'green' });
    await killed.kill();
    const next = await launchParticipant({ color: 'green' });
    expect(pid(next)).not.toBe(pid(killed));
    expect(next.browser.isConnected()).toBe(true);
    await next.close();
  });

  it('after a file, close the browsers it started through a wrapper of its own, and all but six of the rest', async () => {
    const wrapper = chromiumBehind('', join(dir, 'chromium'));
    const wrapped = await launchParticipant({ executablePath: wrapper });
    const shared = await Promise.all(Array.from({ length: 7 }, () => launchParticipant()));
    await Promise.all(shared.map((p) => p.close()));
    // Closed last, the wrapper's browser would be the first kept if kept by order alone.
    await wrapped.close();

    await closeFileBrowsers();
    expect(wrapped.browser.isConnected()).toBe(false);
    // The last six closed are kept for the next file, the first one closed is not.
    expect(shared.map((p) => p.browser.isConnected()).filter(Boolean)).toHaveLength(6);
    // And the next participant gets one of them, not the wrapper's.
    const next = await launchParticipant();
    expect(shared.map(pid)).toContain(pid(next));
    await next.close();
  });
});
