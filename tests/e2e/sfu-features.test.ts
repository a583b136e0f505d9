import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobe } from '../../src/main/services/recording/test-support/ffprobe';
import type { Socket } from 'node:net';
import { closeAllParticipants, launchParticipant } from './support/chromium';
import { GAP_WATCH, mediaGaps, resetGaps } from './support/media-gaps';
import { decodedFrames, phase, until, videoMoving } from './support/fault-probes';
import { startCall, type Call } from './support/fault-scenarios';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { chatMessages, meetingUrl, openChat, remoteTileIds, selfId, sendChat, waitForRemoteTiles, waitForTileColor } from './support/meeting-page';
import { arrive, type Person } from './support/people';
import { expectQualityShown, expectSpeakerViewFollows } from './support/call-checks';
import { colorShares } from './support/video-file';
import { startServerProcess, type ServerProcess } from './support/server-process';

/**
 * What the mesh's tests show of a meeting, once through the SFU (a meeting on it from the first
 * person, `sfuFrom: 0`): the quality bars, the active speaker, chat, a guest's recording, and a
 * server restart. sfu.test.ts has the SFU's own promises (colours per tile, one connection each
 * way, layers, host mute, the move from the mesh).
 */
const route = (page: Page): Promise<string | null> => page.evaluate(() => (window as unknown as { roundtable: { route(): string | null } }).roundtable.route());

describe('a meeting through the SFU', () => {
  let server: MeetingServer;
  const people: Person[] = [];
  const page = (i: number): Page => people[i]!.browser.page;
  const root = mkdtempSync(join(tmpdir(), 'rt-e2e-sfu-features-'));

  beforeAll(async () => {
    server = await startMeetingServer({ sfuFrom: 0 }, 0, { sfu: true });
    for (const [name, color] of [
      ['Ada', 'red'],
      ['Bob', 'green'],
      ['Cy', 'blue'],
    ] as const)
      people.push(await arrive(server.url, 'through-the-sfu', name, color));
    for (const viewer of people) {
      const others = people.filter((p) => p !== viewer);
      await waitForRemoteTiles(
        viewer.browser.page,
        others.map((p) => p.id),
      );
      for (const other of others)
        expect(await waitForTileColor(viewer.browser.page, other.id, other.color, 30_000), `${viewer.name} sees ${other.name}`).toBe(other.color);
      expect(await route(viewer.browser.page)).toBe('sfu');
    }
  }, 180_000);
  afterAll(async () => {
    await closeAllParticipants();
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('shows connection quality on each tile, with the figures of the SFU connection behind it', async () => {
    await expectQualityShown(page(0), people[1]!.id, 15_000);
    await page(0).keyboard.press('Escape');
  });

  it('speaker view puts whoever is talking in the big spot', async () => {
    const [, bob, cy] = people as [Person, Person, Person];
    await expectSpeakerViewFollows(page(0), { page: page(2), id: cy.id }, { page: page(1), id: bob.id }, 15_000);
    await page(0).getByTestId('layout-toggle').click();
  });

  it('chat reaches everyone', async () => {
    await openChat(page(1));
    await sendChat(page(1), 'Through the SFU, and the chat still goes by the server');
    for (const i of [0, 2]) {
      await openChat(page(i));
      await expect
        .poll(async () => (await chatMessages(page(i))).map((m) => `${m.sender}: ${m.text}`))
        .toContain('Bob: Through the SFU, and the chat still goes by the server');
    }
  });

  it('a browser guest records the meeting to a WebM with the others in it', async () => {
    const bob = page(1);
    await bob.getByTestId('record-button').click();
    await bob.getByTestId('record-elapsed').waitFor();
    await expect.poll(() => page(2).getByTestId('recording-indicator').isVisible(), { timeout: 10_000 }).toBe(true);
    await bob.waitForTimeout(4_000);
    const download = bob.waitForEvent('download', { timeout: 30_000 });
    await bob.getByTestId('record-button').click();
    const file = join(root, 'guest.webm');
    await (await download).saveAs(file);
    const probe = await ffprobe(file);
    expect(probe.streams.map((s) => `${s.type}:${s.codec}`).sort()).toEqual(['audio:opus', 'video:vp8']);
    // The recording shows Ada (red) and Cy (blue), who reach Bob only through the SFU: in the
    // frames at 1, 2 and 3 s (a busy machine's recorder may catch a tile between frames at one of them).
    const seen = await Promise.all([1, 2, 3].map((second) => colorShares(file, second)));
    expect(Math.max(...seen.map((s) => s.red)), `Ada in the recording: ${JSON.stringify(seen)}`).toBeGreaterThan(0.02);
    expect(Math.max(...seen.map((s) => s.blue)), `Cy in the recording: ${JSON.stringify(seen)}`).toBeGreaterThan(0.02);
  });
});

describe('the server of an SFU meeting stopped (SIGTERM) and started again', () => {
  let server: ServerProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-e2e-sfu-restart-'));
  afterAll(async () => {
    await closeAllParticipants();
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('both rejoin, and see each other move again through the new SFU (the times are logged)', async () => {
    const sfuArgs = ['--sfu-from', '0'];
    // A retry's server takes the data folder from the first try's (one server per folder).
    await server?.kill();
    server = await startServerProcess(0, dataDir, { extraArgs: sfuArgs });
    const call: Call = await startCall('sfu-restart', { url: server.url });
    const { ada, bob } = call;
    const pages = [ada.browser.page, bob.browser.page] as const;
    for (const p of pages) expect(await route(p)).toBe('sfu');

    // Every tile list either page shows from the stop on.
    const shown = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        shown.add(`ada:${(await remoteTileIds(ada.browser.page)).join()}`);
        shown.add(`bob:${(await remoteTileIds(bob.browser.page)).join()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    await server.stop('SIGTERM');
    for (const p of pages) await until(async () => ((await phase(p)) === 'reconnecting' ? true : undefined), 10_000, 'reconnecting');
    server = await startServerProcess(server.port, dataDir, { extraArgs: sfuArgs });
    const backAt = Date.now();
    const rejoinedMs = await Promise.all(
      pages.map((p) => until(async () => ((await phase(p)) === 'joined' ? Date.now() - backAt : undefined), 30_000, 'rejoined', 10)),
    );
    // The media went with the old SFU: it comes back through the new one.
    const [adaSeesBob, bobSeesAda] = await Promise.all([
      videoMoving(ada.browser.page, bob.id, bob.color, 30_000),
      videoMoving(bob.browser.page, ada.id, ada.color, 30_000),
    ]);
    const mediaBackMs = { ada: adaSeesBob - backAt, bob: bobSeesAda - backAt };
    watching = false;
    await watch;
    console.log(
      `SFU meeting after a server restart: rejoined ${JSON.stringify(rejoinedMs)} ms, video moving again by ${JSON.stringify(mediaBackMs)} ms after the server was back`,
    );
    for (const p of pages) expect(await route(p)).toBe('sfu');
    // Each shows the other at the end. Not asserted: that the tile never went out meanwhile. Unlike
    // the mesh (whose media goes on peer to peer, and whose tiles stay through the outage), the
    // SFU's media stops with the server, and a tile was seen to go out for a moment as the first
    // one back rejoined without the other: a known gap, logged here.
    console.log(`tiles shown from the stop on: ${JSON.stringify([...shown])}`);
    expect(await remoteTileIds(ada.browser.page)).toEqual([bob.id]);
    expect(await remoteTileIds(bob.browser.page)).toEqual([ada.id]);
    expect(await decodedFrames(ada.browser.page, bob.id)).toBeGreaterThan(0);
  }, 240_000);
});

describe('a signaling drop in an SFU meeting (the server and its SFU stay up)', () => {
  let server: MeetingServer;
  afterAll(async () => {
    await closeAllParticipants();
    await server?.close();
  });

  it('keeps both SFU connections and the media going; the server only resends what was missed', async () => {
    server = await startMeetingServer({ sfuFrom: 0 }, 0, { sfu: true });
    // Every TCP connection the server takes: the pages' signaling among them.
    const sockets = new Set<Socket>();
    server.http.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    const join = async (name: string, color: 'red' | 'green') => {
      const browser = await launchParticipant({ color });
      await browser.page.addInitScript(GAP_WATCH);
      await browser.page.goto(meetingUrl(server.url, 'sfu-blip', name));
      return { page: browser.page, id: await selfId(browser.page), color };
    };
    const ada = await join('Ada', 'red');
    const bob = await join('Bob', 'green');
    for (const [viewer, other] of [
      [ada, bob],
      [bob, ada],
    ] as const) {
      await waitForRemoteTiles(viewer.page, [other.id]);
      expect(await waitForTileColor(viewer.page, other.id, other.color, 30_000)).toBe(other.color);
    }
    const made = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { gapWatch: { made(): number } }).gapWatch.made());
    const before = await Promise.all([made(ada.page), made(bob.page)]);
    for (const p of [ada.page, bob.page]) await resetGaps(p);

    // Every page's signaling connection is cut at once; the pages reconnect by themselves.
    let reconnections = 0;
    server.http.on('connection', () => void (reconnections += 1));
    for (const socket of sockets) socket.destroy();
    await until(async () => (reconnections >= 2 ? true : undefined), 15_000, 'both pages connecting again');
    for (const p of [ada.page, bob.page]) await until(async () => ((await phase(p)) === 'joined' ? true : undefined), 30_000, 'back in');
    // Time for a new connection, had one been made.
    await new Promise((resolve) => setTimeout(resolve, 3000));

    expect(await Promise.all([made(ada.page), made(bob.page)])).toEqual(before);
    const gaps = { adaHearsBob: await mediaGaps(ada.page, bob.id), bobHearsAda: await mediaGaps(bob.page, ada.id) };
    console.log(`SFU meeting, signaling cut: ${JSON.stringify(gaps)}`);
    for (const gap of Object.values(gaps)) {
      expect(gap.tileRemoved).toBe(false);
      // The media never went away (a page that stalls as long would say so in pageStallMs).
      expect(gap.audioMs).toBeLessThan(Math.max(1000, gap.pageStallMs + 500));
      expect(gap.videoMs).toBeLessThan(Math.max(1500, gap.pageStallMs + 500));
    }
    expect(await videoMoving(ada.page, bob.id, 'green', 5000)).toBeGreaterThan(0);
    expect(await videoMoving(bob.page, ada.id, 'red', 5000)).toBeGreaterThan(0);
  }, 180_000);
});
