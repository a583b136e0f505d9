import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants } from './support/chromium';
import { iceCredentials, iceLog, startLanServer } from './support/fault-probes';
import { cutLink, startCall, type Call } from './support/fault-scenarios';
import { createLab, removeStaleLabs, type Lab, type LabMachine } from './support/netns';

/**
 * Network trouble on a real (virtual) LAN: Ada and Bob each run in a network namespace of their
 * own, plugged into a bridge by a veth pair, and their signaling and media both cross those cables.
 * Each also has a private link to the server alone (through which no media can flow), so that the
 * media path can be cut while signaling stays up. The namespaces are made here and always removed.
 */
let lab: Lab | undefined;
let server: Awaited<ReturnType<typeof startLanServer>> | undefined;
let call: Call;
let bobMachine: LabMachine;

beforeAll(async () => {
  removeStaleLabs();
  lab = createLab(8);
  const adaMachine = lab.machine('ada', { signalingLink: true });
  bobMachine = lab.machine('bob', { signalingLink: true });
  // The server gives up on a silent client after 1 + 2 s here, so every drop below is also one the
  // server notices (it tells the others Bob timed out): his tile must survive that too.
  server = await startLanServer('0.0.0.0', { pingIntervalMs: 1000, pingTimeoutMs: 2000 });
  call = await startCall(
    'network',
    { url: `http://${adaMachine.signalingGateway}:${server.port}`, machine: adaMachine },
    { url: `http://${bobMachine.signalingGateway}:${server.port}`, machine: bobMachine },
  );
});

afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
  lab?.destroy();
});

/** Every tile list shown held exactly `id`: the other was never lost, nor shown twice. */
const onlyEver = (shown: string[][], id: string): void => expect(new Set(shown.map((ids) => ids.join()))).toEqual(new Set([id]));

describe('a participant whose network drops', { timeout: 180_000 }, () => {
  it('gets video back within 3 s after the link returns from a 5 s drop, both ways, on the same tiles', async () => {
    const { ada, bob } = call;
    const cut = await cutLink(call, bobMachine, 5000, 'all');
    expect(cut.videoBackMs.ada, `Ada sees Bob again\n${cut.story}`).toBeLessThanOrEqual(3000);
    expect(cut.videoBackMs.bob, `Bob sees Ada again\n${cut.story}`).toBeLessThanOrEqual(3000);
    onlyEver(cut.shown.ada, bob.id);
    onlyEver(cut.shown.bob, ada.id);
  });

  it('gets video back within 3 s from a 5 s drop that ICE does not report, while signaling stays up, on a new connection', async () => {
    const { ada, bob } = call;
    // Muted, Bob's microphone still sends (silence): Ada's side must not take that for a dead path.
    const mutedAt = Date.now();
    await bob.browser.page.getByTestId('mic-toggle').click();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await bob.browser.page.getByTestId('mic-toggle').click();
    // Had that silence counted as an outage, its end would start a new connection within 1.5 s
    // (the next level reading, then up to 1 s for the polite side).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const made = async (page: Page, since: number): Promise<number> => (await iceLog(page)).filter((e) => e.event === 'created' && e.at >= since).length;
    expect(await made(ada.browser.page, mutedAt), 'a new connection while Bob was muted').toBe(0);
    expect(await made(bob.browser.page, mutedAt), 'a new connection while Bob was muted').toBe(0);

    // ICE reports 'disconnected' only some 5-7 s after the last packet: this drop is over before.
    const cut = await cutLink(call, bobMachine, 5000, 'media');
    expect(cut.videoBackMs.ada, `Ada sees Bob again\n${cut.story}`).toBeLessThanOrEqual(3000);
    expect(cut.videoBackMs.bob, `Bob sees Ada again\n${cut.story}`).toBeLessThanOrEqual(3000);
    onlyEver(cut.shown.ada, bob.id);
    onlyEver(cut.shown.bob, ada.id);
    // Back on a new connection (a fresh keyframe, no queue of stale media), made once the path was back.
    expect(await made(ada.browser.page, cut.backAt), cut.story).toBeGreaterThanOrEqual(1);
    expect(await made(bob.browser.page, cut.backAt), cut.story).toBeGreaterThanOrEqual(1);
  });

  it('restarts ICE when the media path is reported disconnected, not when it has failed, while signaling stays up', async () => {
    const { ada, bob } = call;
    const since = Date.now();
    const before = await iceCredentials(ada.browser.page);
    // Long enough for Chromium to notice (it reports 'disconnected' some 5-7 s after the last packet).
    const cut = await cutLink(call, bobMachine, 9000, 'media');
    expect(cut.videoBackMs.ada, `Ada sees Bob again\n${cut.story}`).toBeLessThanOrEqual(3000);
    expect(cut.videoBackMs.bob, `Bob sees Ada again\n${cut.story}`).toBeLessThanOrEqual(3000);
    onlyEver(cut.shown.ada, bob.id);
    onlyEver(cut.shown.bob, ada.id);

    for (const page of [ada.browser.page, bob.browser.page]) {
      const log = (await iceLog(page)).filter((e) => e.at >= since);
      const disconnected = log.find((e) => e.event === 'ice' && e.ice === 'disconnected');
      const restart = log.find((e) => e.event === 'restartIce');
      expect(disconnected, JSON.stringify(log)).toBeDefined();
      expect(restart, JSON.stringify(log)).toBeDefined();
      // Started on 'disconnected' (after a short grace), never having waited for 'failed'.
      expect(restart!.ice).toBe('disconnected');
      expect(restart!.at).toBeGreaterThanOrEqual(disconnected!.at);
      expect(log.filter((e) => e.at <= restart!.at).some((e) => e.ice === 'failed')).toBe(false);
    }
    // The restart renegotiated ICE: new credentials on Ada's side of the call.
    expect(await iceCredentials(ada.browser.page)).not.toEqual(before);
  });
});
