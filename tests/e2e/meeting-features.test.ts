import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type LaunchOptions } from './support/chromium';
import type { PatternColor } from './support/fake-media';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { arrive as arriveAt, type Person } from './support/people';
import {
  chatMessages,
  joinMeeting,
  meetingUrl,
  openChat,
  receivedFrameHeight,
  sendChat,
  tile,
  waitForRemoteTiles,
  waitForTileColor,
} from './support/meeting-page';
import { SCREENSHOT_DIR } from './support/paths';
import { expectQualityShown, expectSpeakerViewFollows } from './support/call-checks';

let server: MeetingServer;
beforeAll(async () => {
  server = await startMeetingServer();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

const arrive = (name: string, color: PatternColor, room = 'features', launch: LaunchOptions = {}): Promise<Person> =>
  arriveAt(server.url, room, name, color, { launch });

// Two people of their own, in rooms of their own, before the three of 'in the meeting' arrive: with
// those three still in their call, these five browsers starved a two-core machine.
describe('two people joining', () => {
  it("tiles glide aside for a newcomer; the newcomer's tiles start in place", async () => {
    const recordGlides = () => {
      const glides: string[] = [];
      Object.defineProperty(window, 'tileGlides', { value: glides });
      document.addEventListener('transitionrun', (event) => {
        if (event.target instanceof Element && event.target.classList.contains('tile-slot')) glides.push(event.propertyName);
      });
    };
    const glides = (p: Page) => p.evaluate(() => (window as unknown as { tileGlides: string[] }).tileGlides);
    const ada = await launchParticipant({ color: 'red' });
    await ada.page.addInitScript(recordGlides);
    await joinMeeting(ada.page, server.url, 'features-glide', 'Ada');
    const bob = await launchParticipant({ color: 'green' });
    await bob.page.addInitScript(recordGlides);
    const bobId = await joinMeeting(bob.page, server.url, 'features-glide', 'Bob');
    await waitForRemoteTiles(ada.page, [bobId]);
    await expect.poll(() => glides(ada.page)).toContain('transform');
    await bob.page.waitForTimeout(1000);
    expect(await glides(bob.page)).toEqual([]);
    await Promise.all([ada.close(), bob.close()]);
  });

  // "Connecting…" is for a connection that is slow to come up: never in the first second of a
  // tile (a join connects well within one on an idle machine; a loaded one may take longer, and
  // may then show it, but not before that second is over).
  it('a quick join shows no connection status on anyone’s tile in its first second', async () => {
    const recordStatuses = () => {
      const seen: Array<{ text: string; afterMs: number }> = [];
      const appeared = new Map<string, number>();
      Object.defineProperty(window, 'visibleStatuses', { value: seen });
      // A tile's first second counts from its insertion into the page (a MutationObserver sees
      // it at once; a frame may come long after it on a loaded machine), on the clock the page's
      // animations run on: the document timeline's, which stands still at the time its frame began
      // while a busy page's scripts run on (a status delayed 1 s appears 1 s after that time).
      const timelineNow = () => (document.timeline.currentTime as number | null) ?? performance.now();
      const noteTiles = () => {
        for (const tile of document.querySelectorAll('[data-testid="tile"]')) {
          const id = tile.getAttribute('data-participant-id') ?? '';
          if (!appeared.has(id)) appeared.set(id, timelineNow());
        }
      };
      new MutationObserver(noteTiles).observe(document, { childList: true, subtree: true });
      const look = (frameTime: number) => {
        noteTiles();
        for (const tile of document.querySelectorAll('[data-testid="tile"]')) {
          const id = tile.getAttribute('data-participant-id') ?? '';
          const status = tile.querySelector('.tile-status');
          if (status && getComputedStyle(status).visibility === 'visible') {
            seen.push({ text: status.textContent ?? '', afterMs: frameTime - appeared.get(id)! });
          }
        }
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    };
    const statuses = (p: Page) => p.evaluate(() => (window as unknown as { visibleStatuses: Array<{ text: string; afterMs: number }> }).visibleStatuses);
    const ada = await launchParticipant({ color: 'red' });
    await ada.page.addInitScript(recordStatuses);
    const adaId = await joinMeeting(ada.page, server.url, 'features-status', 'Ada');
    const bob = await launchParticipant({ color: 'green' });
    await bob.page.addInitScript(recordStatuses);
    const bobId = await joinMeeting(bob.page, server.url, 'features-status', 'Bob');
    expect(await waitForTileColor(ada.page, bobId, 'green', 20_000, bob.page)).toBe('green');
    expect(await waitForTileColor(bob.page, adaId, 'red', 20_000, ada.page)).toBe('red');
    await bob.page.waitForTimeout(1500);
    // A frame can land a little early on a loaded machine: 950 ms.
    expect((await statuses(ada.page)).filter((s) => s.afterMs < 950)).toEqual([]);
    expect((await statuses(bob.page)).filter((s) => s.afterMs < 950)).toEqual([]);
    await Promise.all([ada.close(), bob.close()]);
  });
});

describe('in the meeting', () => {
  const people: Person[] = [];
  const page = (i: number) => people[i]!.browser.page;

  it('chat reaches everyone with sender and time; links are safe; unread badge while the panel is closed', async () => {
    // Ada's is the full Chromium: its headless shell shows no notifications (a test below).
    people.push(await arrive('Ada', 'red', 'features', { fullChromium: true }), await arrive('Bob', 'green'));
    const [ada, bob] = people as [Person, Person];
    await waitForRemoteTiles(page(0), [bob.id]);

    await openChat(page(0));
    await sendChat(page(0), 'Hello 👋 see https://example.org/agenda and <b>not bold</b>');
    await expect.poll(() => bob.browser.page.getByTestId('unread-badge').textContent()).toBe('1');
    await openChat(page(1));
    expect(await bob.browser.page.getByTestId('unread-badge').count()).toBe(0);
    const [first] = await chatMessages(page(1));
    expect(first).toMatchObject({ sender: 'Ada', text: 'Hello 👋 see https://example.org/agenda and <b>not bold</b>', status: 'sent' });
    const link = page(1).locator('[data-testid="chat-message"] a');
    expect(await link.getAttribute('href')).toBe('https://example.org/agenda');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await page(1).locator('[data-testid="chat-message"] b').count()).toBe(0);
    expect(await page(1).locator('[data-testid="chat-message"] time').count()).toBe(1);

    await sendChat(page(1), 'Hi Ada!');
    await expect
      .poll(async () => (await chatMessages(page(0))).map((m) => `${m.sender}: ${m.text}`))
      .toEqual(['You: Hello 👋 see https://example.org/agenda and <b>not bold</b>', 'Bob: Hi Ada!']);
    void ada;
  });

  it('a message from someone else raises a desktop notification while the window is not focused', async () => {
    const ada = page(0);
    await ada.context().grantPermissions(['notifications'], { origin: server.url });
    // Record what the app shows through the real Notification API; pretend the window lost focus.
    await ada.evaluate(() => {
      const shown: Array<{ title: string; body: string }> = [];
      const Real = window.Notification;
      class Recording extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push({ title, body: options?.body ?? '' });
        }
      }
      Object.defineProperty(window, 'Notification', { value: Recording });
      Object.defineProperty(window, 'shownNotifications', { value: shown });
      document.hasFocus = () => false;
    });
    await sendChat(page(1), 'Are you there?');
    await expect
      .poll(() => ada.evaluate(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications))
      .toEqual([{ title: 'Bob', body: 'Are you there?' }]);
    // Your own messages never notify you.
    await sendChat(ada, 'Yes');
    await ada.waitForTimeout(500);
    expect(await ada.evaluate(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications.length)).toBe(1);
  });

  it('the browser asks whether chat may notify when the person first opens the chat, not as the meeting opens', async () => {
    const dee = await launchParticipant({ color: 'yellow', fullChromium: true });
    await dee.page.addInitScript(() => {
      const asked = { count: 0 };
      Object.defineProperty(window, 'askedToNotify', { value: asked });
      Notification.requestPermission = () => {
        asked.count += 1;
        return Promise.resolve('default');
      };
    });
    await joinMeeting(dee.page, server.url, 'features-ask', 'Dee');
    const asked = () => dee.page.evaluate(() => (window as unknown as { askedToNotify: { count: number } }).askedToNotify.count);
    await dee.page.waitForTimeout(1000);
    expect(await asked()).toBe(0);
    await openChat(dee.page);
    expect(await asked()).toBe(1);
    await dee.close();
  });

  it('a late joiner sees the history', async () => {
    people.push(await arrive('Cy', 'blue'));
    await openChat(page(2));
    await expect
      .poll(async () => (await chatMessages(page(2))).map((m) => `${m.sender}: ${m.text}`))
      .toEqual(['Ada: Hello 👋 see https://example.org/agenda and <b>not bold</b>', 'Bob: Hi Ada!', 'Bob: Are you there?', 'Ada: Yes']);
    await page(2).screenshot({ path: `${SCREENSHOT_DIR}/chat.png` });
  });

  it('everyone sees who is muted and whose camera is off', async () => {
    const [ada, bob] = people as [Person, Person];
    await page(0).getByTestId('mic-toggle').click();
    await page(0).getByTestId('camera-toggle').click();
    await expect.poll(() => tile(page(1), ada.id).getByTestId('muted-icon').count()).toBe(1);
    await expect.poll(() => tile(page(1), ada.id).getAttribute('data-video')).toBe('off');
    expect(await tile(page(1), ada.id).locator('.avatar').textContent()).toBe('A');
    // Keyboard: M and V bring them back.
    await page(0)
      .locator('body')
      .click({ position: { x: 5, y: 5 } });
    await page(0).keyboard.press('m');
    await page(0).keyboard.press('v');
    await expect.poll(() => tile(page(1), ada.id).getByTestId('muted-icon').count()).toBe(0);
    expect(await waitForTileColor(page(1), ada.id, 'red')).toBe('red');
    void bob;
  });

  it('hold Space to talk while muted', async () => {
    const [ada] = people as [Person];
    await page(0).keyboard.press('m');
    await expect.poll(() => tile(page(1), ada.id).getByTestId('muted-icon').count()).toBe(1);
    await page(0).keyboard.down('Space');
    await expect.poll(() => tile(page(1), ada.id).getByTestId('muted-icon').count()).toBe(0);
    await page(0).keyboard.up('Space');
    await expect.poll(() => tile(page(1), ada.id).getByTestId('muted-icon').count()).toBe(1);
    await page(0).keyboard.press('m');
    await page(0).keyboard.press('?');
    await expect.poll(() => page(0).getByTestId('help-overlay').textContent()).toContain('Talk while muted');
    await page(0).keyboard.press('Escape');
    expect(await page(0).getByTestId('help-overlay').count()).toBe(0);
  });

  it('raised hands show on tiles and in the list, in the order raised', async () => {
    const [, bob, cy] = people as [Person, Person, Person];
    await page(2).getByTestId('hand-toggle').click();
    await expect.poll(() => tile(page(0), cy.id).getByTestId('hand-badge').count()).toBe(1);
    await page(1).getByTestId('hand-toggle').click();
    await expect.poll(() => tile(page(0), bob.id).getByTestId('hand-badge').textContent()).toBe('✋2');
    expect(await tile(page(0), cy.id).getByTestId('hand-badge').textContent()).toBe('✋1');
    await page(0).getByTestId('people-toggle').click();
    const order = await page(0).$$eval('[data-testid="participant-row"]', (rows) =>
      rows.map((r) => `${r.querySelector('.person-name')?.textContent}${r.querySelector('[data-testid="hand-order"]')?.textContent ?? ''}`),
    );
    expect(order).toEqual(['Cy✋ 1', 'Bob✋ 2', 'Ada (you)Host']);
    // Lowering a hand moves the others up.
    await page(2).getByTestId('hand-toggle').click();
    await expect.poll(() => tile(page(0), bob.id).getByTestId('hand-badge').textContent()).toBe('✋1');
    await page(0).getByTestId('people-toggle').click();
  });

  it('a reaction bursts on the sender’s tile for everyone', async () => {
    const [, bob] = people as [Person, Person];
    await page(1).getByTestId('reaction-button').click();
    await page(1).getByTestId('reaction-choice').filter({ hasText: '🎉' }).click();
    await expect.poll(() => tile(page(0), bob.id).getByTestId('reaction-burst').textContent()).toContain('🎉');
    await expect.poll(() => tile(page(0), bob.id).getByTestId('reaction-burst').count(), { timeout: 6000 }).toBe(0);
  });

  it('switches between grid and speaker view, and pins a tile', async () => {
    const [, bob, cy] = people as [Person, Person, Person];
    await page(0).screenshot({ path: `${SCREENSHOT_DIR}/grid.png` });
    const gridWidth = (await tile(page(0), cy.id).boundingBox())!.width;
    await page(0).getByTestId('layout-toggle').click();
    await expect.poll(() => page(0).getByTestId('stage').getAttribute('data-layout')).toBe('speaker');
    await tile(page(0), bob.id).hover();
    await tile(page(0), bob.id).getByTestId('pin-button').click();
    await expect.poll(async () => (await tile(page(0), bob.id).boundingBox())!.width).toBeGreaterThan(gridWidth);
    await expect.poll(async () => (await tile(page(0), cy.id).boundingBox())!.width).toBeLessThan(gridWidth / 2);
    await page(0).waitForTimeout(500);
    await page(0).screenshot({ path: `${SCREENSHOT_DIR}/speaker.png` });
  });

  // Tiles glide to their new places when someone comes or goes; a newcomer's own screen starts
  // with every tile already in place (it used to fly them in from the corner, right as the call connected).
  it('a peer that shows you small receives a smaller video from you', async () => {
    const [, bob, cy] = people as [Person, Person, Person];
    // Ada shows Bob big (pinned) and Cy as a thumbnail: she receives Cy at a lower resolution. (A
    // busy machine's encoders may send less than asked, 270p for 360p: what counts is smaller.)
    const heights = async () => ({ bob: await receivedFrameHeight(page(0), bob.id), cy: await receivedFrameHeight(page(0), cy.id) });
    await expect
      .poll(
        async () => {
          const { bob: big, cy: small } = await heights();
          return big > 0 && small > 0 && small <= 180 && small < big;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    const thumbnail = (await heights()).cy;
    // Bob, in the grid, shows Cy at a normal size and gets more than a thumbnail's.
    await expect.poll(() => receivedFrameHeight(page(1), cy.id), { timeout: 20_000 }).toBeGreaterThan(180);
    // Unpinning and going back to the grid brings Cy's resolution back up for Ada.
    await tile(page(0), bob.id).getByTestId('pin-button').click();
    await page(0).getByTestId('layout-toggle').click();
    await expect.poll(() => receivedFrameHeight(page(0), cy.id), { timeout: 20_000 }).toBeGreaterThan(thumbnail);
  });

  it('shows connection quality on each tile, with details on click', async () => {
    await expectQualityShown(page(0), people[1]!.id);
  });

  it('speaker view puts whoever is talking in the big spot', async () => {
    // Nobody talking, the big spot goes to the first of the others (Bob): Cy talks alone first.
    const [, bob, cy] = people as [Person, Person, Person];
    await expectSpeakerViewFollows(page(0), { page: page(2), id: cy.id }, { page: page(1), id: bob.id });
  });

  it('a newcomer tells each person it shows how big, and never that it does not show them', async () => {
    const [ada, bob, cy] = people as [Person, Person, Person];
    const dee = await launchParticipant({ color: 'blue' });
    // What Dee's page tells the others about its view of them (Socket.IO frames: 42[event, body]).
    const views: Array<{ to: string; width: number; height: number }> = [];
    dee.page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const packet = typeof payload === 'string' ? /^42\d*(\[.*)$/s.exec(payload)?.[1] : undefined;
        const [event, body] = packet ? (JSON.parse(packet) as [string, { to?: string; kind?: string; view?: { width: number; height: number } }]) : [];
        if (event === 'signal' && body?.kind === 'view' && body.to && body.view) views.push({ to: body.to, ...body.view });
      }),
    );
    await dee.page.goto(meetingUrl(server.url, 'features', 'Dee'));
    await waitForRemoteTiles(dee.page, [ada.id, bob.id, cy.id]);
    for (const person of [ada, bob, cy]) expect(await waitForTileColor(dee.page, person.id, person.color)).toBe(person.color);
    await expect.poll(() => new Set(views.map((v) => v.to)).size).toBe(3);
    // A 0 x 0 view (its stage not laid out yet) would stop their cameras for Dee, for nothing.
    expect(views.filter((v) => v.width === 0 || v.height === 0)).toEqual([]);
  });
});
