import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling-server/src/protocol/index';
import { flatten } from '../../src/shared/i18n/translator';
import { SETTLE_MS } from '../../src/renderer/src/hooks/notice-feed';
import { en } from '../../src/renderer/src/text/locales/en';
import { ru } from '../../src/renderer/src/text/locales/ru';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { chatMessages, meetingUrl, openChat, selfId, sendChat, waitForRemoteTiles } from './support/meeting-page';
import { SCREENSHOT_DIR, WEB_ROOT } from './support/paths';
import { APP_CHANNELS } from '../../src/shared/ipc/app';
import { HOSTING_CHANNELS, type HostingStatus } from '../../src/shared/ipc/hosting';
import { MEETING_CHANNELS } from '../../src/shared/ipc/meeting';
import { SETTINGS_CHANNELS, type LanguageState } from '../../src/shared/ipc/settings';
import type { LanguageSetting } from '../../src/shared/i18n/languages';
import { DesktopError } from '../../src/shared/ipc/result';
import { channelRunners } from '../../src/main/ipc/dispatch';
import { startDesktopRendererServer } from './support/desktop-platform';
import { emitToPage, exposeDesktop, testAppHandlers } from './support/test-desktop';

/**
 * Issue 22: a guest whose browser speaks Russian sees the whole meeting in Russian (every screen,
 * checked against the English catalogue and photographed), plurals included; switching to English
 * in the settings switches every screen, and the choice is remembered. People have Latin names, so
 * a page in English has no Cyrillic at all.
 */

let server: MeetingServer;
let ada: Participant;
let bob: Participant;
const room = 'russian-and-english';

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startMeetingServer();
  [ada, bob] = await Promise.all([launchParticipant({ color: 'red', locale: 'ru-RU' }), launchParticipant({ color: 'blue', locale: 'ru-RU' })]);
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

/** English messages that a Russian page must never show: those without arguments that Russian words differently. */
const english = (() => {
  const russian = flatten(ru);
  return [...flatten(en)].filter(([key, text]) => !/[{<]/.test(text) && russian.get(key) !== text).map(([, text]) => text);
})();
const englishSentences = english.filter((text) => text.includes(' '));
const englishWords = new Set(english);

/** Everything the page says: its text, the titles and labels people hover or hear, placeholders, the tab's title. */
function pageTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      if (text) texts.push(text);
    }
    for (const element of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
      for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
        const value = element.getAttribute(name)?.trim();
        if (value) texts.push(value);
      }
    }
    return texts;
  });
}

/** The English catalogue texts a page shows (none, for a page in Russian). */
async function englishOn(page: Page): Promise<string[]> {
  const texts = await pageTexts(page);
  return texts.filter((text) => englishWords.has(text) || englishSentences.some((sentence) => text.includes(sentence)));
}

/** Russian on the page, but for the language picker's own name for Russian ("Русский"), there in every language. */
async function cyrillicOn(page: Page): Promise<string[]> {
  return (await pageTexts(page)).filter((text) => /[а-яё]/i.test(text.replaceAll('Русский', '')));
}

/** Checks a screen is all Russian (and that it is in Russian at all), then photographs it. */
async function russianScreen(page: Page, name: string): Promise<void> {
  expect(await englishOn(page), name).toEqual([]);
  expect((await cyrillicOn(page)).length, `${name} shows Russian`).toBeGreaterThan(0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/ru-${name}.png`, fullPage: true });
}

/**
 * Keeps every notice (toast) text the page shows from now on, and returns a reader of them: a notice
 * of arrivals goes after 4 s, which a poll started once the count is right can miss on a busy machine.
 */
async function keepNotices(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { noticesSeen: string[] }).noticesSeen = seen;
    const read = (): void => {
      for (const element of document.querySelectorAll('.toast-text')) {
        const text = element.textContent ?? '';
        if (text && !seen.includes(text)) seen.push(text);
      }
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { noticesSeen: string[] }).noticesSeen);
}

const participantsTitle = (page: Page): Promise<string | null> => page.getByTestId('participant-count-label').getAttribute('title');

/** Meeting members without a browser (the signaling protocol only): enough to count people. */
async function member(name: string, n: number): Promise<() => void> {
  const socket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const reply = (await socket.timeout(10_000).emitWithAck('join', {
    protocol: PROTOCOL_VERSION,
    room,
    name,
    secret: `language-test-secret-${n}-${'x'.repeat(24)}`,
    session: `language-session-${n}`,
    media: { audio: false, video: false },
  })) as { ok: boolean; self?: { id: string }; waiting?: boolean };
  expect(reply, `${name} is in the meeting`).toMatchObject({ ok: true, self: { id: expect.any(String) } });
  return () => socket.disconnect();
}

describe('a guest whose browser speaks Russian', () => {
  it('sees the home screen, the pre-join screen and the meeting in Russian, with the right plurals', async () => {
    // A retry starts as the first try did: no name or server remembered, nobody left in the meeting.
    for (const { page } of [ada, bob]) {
      await page.goto(`${server.url}/`);
      await page.evaluate(() => {
        localStorage.clear();
        sessionStorage.clear();
      });
    }
    const leave: Array<() => void> = [];
    onTestFinished(() => leave.forEach((off) => off()));
    await ada.page.reload();
    await ada.page.getByTestId('continue-button').waitFor();
    expect(await ada.page.getByTestId('continue-button').textContent()).toBe('Продолжить');
    expect(await ada.page.evaluate(() => document.documentElement.lang)).toBe('ru');
    // A form error too.
    await ada.page.getByTestId('continue-button').click();
    await expect.poll(() => ada.page.getByRole('alert').textContent()).toBe('Введите имя, чтобы другие знали, кто вы.');
    await russianScreen(ada.page, 'home');

    await ada.page.goto(meetingUrl(server.url, room, 'Ada', false));
    await ada.page.getByTestId('join-button').waitFor();
    await expect.poll(() => ada.page.getByTestId('join-button').textContent()).toBe('Войти');
    await russianScreen(ada.page, 'prejoin');

    await ada.page.getByTestId('join-button').click();
    await selfId(ada.page);
    // Whoever comes in the first second of her meeting was there as she came in, for her notices.
    const settledAt = Date.now() + SETTLE_MS + 500;
    await expect.poll(() => participantsTitle(ada.page)).toBe('На встрече 1 участник');
    await russianScreen(ada.page, 'meeting');

    await bob.page.goto(meetingUrl(server.url, room, 'Bob'));
    const bobId = await selfId(bob.page);
    await waitForRemoteTiles(ada.page, [bobId]);
    await expect.poll(() => participantsTitle(ada.page)).toBe('На встрече 2 участника');
    await expect.poll(() => participantsTitle(bob.page)).toBe('На встрече 2 участника');
    await russianScreen(bob.page, 'meeting-guest');

    const notices = await keepNotices(ada.page);
    await ada.page.waitForTimeout(Math.max(0, settledAt - Date.now()));
    leave.push(...(await Promise.all(['Cy', 'Dee', 'Eve'].map((name, i) => member(name, i)))));
    await expect
      .poll(() => participantsTitle(ada.page), { timeout: 20_000 })
      .toBe('На встрече 5 участников')
      .catch(async (error: unknown) => {
        console.error(
          'participants as Ada sees them:',
          await ada.page.evaluate(() => (window as unknown as { roundtable: { participants(): unknown } }).roundtable.participants()),
        );
        throw error;
      });
    await expect.poll(() => ada.page.getByTestId('participant-count').textContent()).toBe('5');
    // The gathered notice of arrivals, in Russian.
    await expect.poll(async () => (await notices()).some((text) => text.startsWith('Теперь на встрече: ')), { timeout: 10_000 }).toBe(true);
    await russianScreen(ada.page, 'meeting-five');
    // 21 takes the form of 1 again (21 участник), not of 5.
    leave.push(...(await Promise.all(Array.from({ length: 16 }, (_, i) => member(`Guest ${i + 1}`, 3 + i)))));
    await expect.poll(() => participantsTitle(ada.page), { timeout: 20_000 }).toBe('На встрече 21 участник');
    for (const off of leave) off();
    await expect.poll(() => participantsTitle(ada.page), { timeout: 15_000 }).toBe('На встрече 2 участника');
  });

  it('has the panels, menus and dialogs of the meeting in Russian too', async () => {
    const { page } = ada;
    await page.getByTestId('people-toggle').click();
    await page.getByTestId('participants-panel').waitFor();
    await page.getByTestId('host-actions').click();
    await page.getByTestId('host-remove').waitFor();
    expect(await page.getByTestId('host-remove').textContent()).toBe('Удалить участника Bob');
    await russianScreen(page, 'people-and-host-menu');
    await page.keyboard.press('Escape');

    await page.getByTestId('device-settings-button').click();
    await page.getByTestId('device-settings').waitFor();
    await russianScreen(page, 'settings');
    await page.getByTestId('device-settings-button').click();

    await page.getByTestId('meeting-info-button').click();
    await page.getByTestId('meeting-info').waitFor();
    await russianScreen(page, 'invite');
    await page.getByTestId('meeting-info-button').click();

    await page.getByTestId('help-button').click();
    await page.getByTestId('help-overlay').waitFor();
    await russianScreen(page, 'shortcuts');
    await page.getByTestId('help-close').click();

    await page.getByTestId('leave-button').click();
    await page.getByTestId('end-for-all').waitFor();
    await russianScreen(page, 'leave-menu');
    await page.keyboard.press('Escape');

    await page.getByTestId('reaction-button').click();
    await page.getByTestId('reaction-choice').first().waitFor();
    await russianScreen(page, 'reactions');
    await page.keyboard.press('Escape');

    // A connection's details, on a tile.
    await page.locator('[data-testid="tile"]:not([data-local="true"]) [data-testid="quality-indicator"]').click();
    await page.getByTestId('quality-details').waitFor();
    await russianScreen(page, 'quality');
    await page.locator('[data-testid="tile"]:not([data-local="true"]) [data-testid="quality-indicator"]').click();

    // What the host did to Bob, as Bob is told (the People panel is still open).
    await page.getByTestId('host-actions').click();
    await page.getByTestId('host-mute').click();
    await expect.poll(() => bob.page.getByTestId('host-notice').textContent()).toContain('Организатор Ada выключил вам микрофон.');
    await russianScreen(bob.page, 'host-notice');

    // Sharing one's screen: the bar with the way out, the preview, the tab's title; the others' tile of it.
    await page.getByTestId('screen-toggle').click();
    await page.getByTestId('sharing-bar').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.title()).toMatch(/^Вы показываете экран · /);
    await russianScreen(page, 'sharing');
    await expect.poll(() => bob.page.locator('[data-testid="tile"][data-kind="screen"] .tile-name').textContent(), { timeout: 20_000 }).toBe('Экран: Ada');
    await page.getByTestId('stop-sharing').click();
    await page.getByTestId('sharing-bar').waitFor({ state: 'detached' });

    // Recording: the running button and the header's badge, then where it went (a browser downloads it).
    await bob.page.getByTestId('record-button').click();
    await bob.page.getByTestId('record-elapsed').waitFor();
    await page.getByTestId('recording-indicator').waitFor();
    await russianScreen(page, 'recorded');
    const download = bob.page.waitForEvent('download', { timeout: 30_000 });
    await bob.page.getByTestId('record-button').click();
    await (await download).cancel();
    await bob.page.getByTestId('recording-saved').waitFor({ timeout: 30_000 });
    expect(await bob.page.getByTestId('recording-saved').textContent()).toMatch(/^Запись сохранена: /);
    await russianScreen(bob.page, 'recording-saved');

    // The chat: a message and a file, the sender, the file's kind and size (a plural), the meeting's limit on files.
    await openChat(page);
    await openChat(bob.page);
    await sendChat(page, 'Hello from Ada');
    await expect.poll(async () => (await chatMessages(page)).map((m) => `${m.sender}: ${m.text}`)).toContain('Вы: Hello from Ada');
    await page.getByTestId('chat-file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    const meta = (p: Page) => p.locator('[data-testid="chat-file"][data-file-name="notes.txt"] [data-testid="chat-file-meta"]').textContent();
    await expect.poll(() => meta(bob.page), { timeout: 20_000 }).toBe('Текст · 5 байт');
    await expect.poll(() => meta(page)).toBe('Текст · 5 байт');
    expect(await bob.page.getByTestId('chat-file-limit').textContent()).toMatch(/^Файлы до [\d\s,]+ [КМГ]Б$/u);
    expect(await page.getByTestId('chat-attach').getAttribute('title')).toBe('Отправить файл');
    await russianScreen(page, 'chat');
    await russianScreen(bob.page, 'chat-guest');

    // A file on its way, its progress bar moving (Bob's uploads slowed to 256 KB/s), then shared.
    const cdp = await bob.page.context().newCDPSession(bob.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    const size = 1024 * 1024;
    await bob.page.getByTestId('chat-file-input').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(size, 7) });
    const progress = bob.page.locator('[data-testid="chat-file-upload"][data-file-name="big.bin"] [data-testid="chat-file-progress"]');
    await expect.poll(async () => Number((await progress.getAttribute('value')) ?? 0), { timeout: 20_000 }).toBeGreaterThan(0);
    const first = Number(await progress.getAttribute('value'));
    await expect.poll(async () => Number((await progress.getAttribute('value')) ?? 0), { timeout: 20_000 }).toBeGreaterThan(first);
    expect(Number(await progress.getAttribute('value'))).toBeLessThan(size);
    await russianScreen(bob.page, 'chat-file-uploading');
    await page.locator('[data-testid="chat-file"][data-file-name="big.bin"]').waitFor({ timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();

    // A file refused before it goes (an empty one), and why.
    await bob.page.getByTestId('chat-file-input').setInputFiles({ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) });
    await bob.page.getByTestId('chat-file-problem').waitFor({ timeout: 10_000 });
    await russianScreen(bob.page, 'chat-file-refused');
    await bob.page.locator('[data-testid="chat-file-upload"][data-file-name="empty.txt"] [data-testid="chat-file-cancel"]').click();
    // The People panel again, as the host left it, and the meeting's record from it.
    await page.getByTestId('people-toggle').click();
    await page.getByTestId('participants-panel').waitFor();
    await page.getByTestId('open-meeting-record').click();
    const record = page.getByTestId('meeting-record-dialog');
    await expect.poll(() => record.getByTestId('meeting-record-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await russianScreen(page, 'meeting-record');
    await page.keyboard.press('Escape');
    await record.waitFor({ state: 'detached' });
  });

  it('waits, is turned away and leaves in Russian', async () => {
    // Bob leaves: the screen after a meeting.
    await bob.page.getByTestId('leave-button').click();
    await bob.page.getByTestId('left-screen').waitFor();
    expect(await bob.page.locator('[data-testid="left-screen"] h1').textContent()).toBe('Вы вышли со встречи');
    await russianScreen(bob.page, 'left');

    // The host turns the waiting room on; Bob asks to come back and waits.
    await ada.page.getByTestId('waiting-room-toggle').click();
    await expect.poll(() => ada.page.getByTestId('waiting-room-toggle').isChecked()).toBe(true);
    await ada.page.getByTestId('people-toggle').click(); // the queue shows as a card
    await bob.page.getByTestId('rejoin-button').click();
    await bob.page.getByTestId('join-button').click();
    await bob.page.getByTestId('waiting-screen').waitFor({ timeout: 20_000 });
    await russianScreen(bob.page, 'waiting');
    await ada.page.getByTestId('waiting-queue').waitFor();
    await expect.poll(() => ada.page.getByTestId('waiting-badge').getAttribute('title')).toBe('1 человек ждёт входа');
    await russianScreen(ada.page, 'waiting-queue');

    await ada.page.getByTestId('deny-button').click();
    await expect.poll(() => bob.page.getByTestId('ended-reason').textContent(), { timeout: 10_000 }).toBe('Организатор не впустил вас на встречу.');
    expect(await bob.page.locator('[data-testid="left-screen"] h1').textContent()).toBe('Вы больше не на встрече');
    await russianScreen(bob.page, 'turned-away');
  });
});

/** Every visible control whose box is not wholly inside the window (without scrolling), and whether the page scrolls sideways. */
function outOfWindow(page: Page): Promise<{ controls: string[]; sideways: boolean }> {
  return page.evaluate(() => {
    window.scrollTo(0, 0);
    const controls: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('button, input, select, textarea')) {
      const r = element.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -0.5 || r.top < -0.5 || r.right > window.innerWidth + 0.5 || r.bottom > window.innerHeight + 0.5) {
        controls.push(element.dataset['testid'] ?? element.getAttribute('aria-label') ?? element.textContent?.trim() ?? element.tagName);
      }
    }
    const root = document.scrollingElement ?? document.documentElement;
    return { controls, sideways: root.scrollWidth > root.clientWidth };
  });
}

describe('Russian, some 30% longer than English, fits', () => {
  for (const viewport of [
    { width: 800, height: 600 },
    { width: 390, height: 844 },
  ]) {
    it(`${viewport.width}x${viewport.height}: the home screen, the pre-join screen and the meeting's settings`, async () => {
      const person = await launchParticipant({ color: 'yellow', locale: 'ru-RU', viewport });
      const { page } = person;
      const size = `${viewport.width}x${viewport.height}`;
      try {
        await page.goto(`${server.url}/`);
        await page.getByTestId('name-input').fill('Grace');
        await page.getByTestId('new-meeting').click();
        await russianScreen(page, `home-${size}`);
        expect(await outOfWindow(page)).toEqual({ controls: [], sideways: false });

        await page.getByTestId('continue-button').click();
        await expect.poll(() => page.getByTestId('camera-select').locator('option').count()).toBeGreaterThan(0);
        await russianScreen(page, `prejoin-${size}`);
        expect(await outOfWindow(page)).toEqual({ controls: [], sideways: false });

        await page.getByTestId('join-button').click();
        await page.getByTestId('leave-button').waitFor();
        await page.getByTestId('device-settings-button').click();
        await page.getByTestId('device-settings').waitFor();
        await russianScreen(page, `meeting-settings-${size}`);
        expect(await outOfWindow(page)).toEqual({ controls: [], sideways: false });
      } finally {
        await person.close();
      }
    });
  }
});

describe('switching to English in the settings', () => {
  it('switches every screen at once, and is remembered', async () => {
    const { page } = ada;
    await page.getByTestId('device-settings-button').click();
    await page.getByTestId('language-select').selectOption('en');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => participantsTitle(page)).toBe('1 person in this meeting');
    expect(await page.getByTestId('device-settings').locator('h2').textContent()).toBe('Devices');
    expect(await cyrillicOn(page)).toEqual([]);
    await page.getByTestId('device-settings-button').click();

    await page.getByTestId('people-toggle').click();
    await page.getByTestId('participants-panel').waitFor();
    expect(await page.getByTestId('participants-panel').locator('h2').textContent()).toBe('People (1)');
    expect(await cyrillicOn(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/en-after-switch.png` });

    await page.getByTestId('help-button').click();
    await expect.poll(() => page.getByTestId('help-overlay').textContent()).toContain('Talk while muted');
    expect(await cyrillicOn(page)).toEqual([]);
    await page.getByTestId('help-close').click();

    // Leaving and the screens after it.
    await page.getByTestId('leave-button').click();
    await page.getByTestId('leave-only').click();
    await page.getByTestId('left-screen').waitFor();
    expect(await page.locator('[data-testid="left-screen"] h1').textContent()).toBe('You left the meeting');
    expect(await cyrillicOn(page)).toEqual([]);

    // A reload (a new visit) keeps English, though the browser still speaks Russian.
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByTestId('continue-button').textContent()).toBe('Continue');
    expect(await page.getByTestId('language-select').inputValue()).toBe('en');
    expect(await cyrillicOn(page)).toEqual([]);

    // Back to the system's language: Russian again.
    await page.getByTestId('language-select').selectOption('system');
    await expect.poll(() => page.getByTestId('continue-button').textContent()).toBe('Продолжить');
  });
});

describe('the desktop app', () => {
  it("speaks the language main says (the system's, or the one kept), tells main a new choice, and follows main's changes", async () => {
    await bob.close();
    // The browser engine says English; the desktop (main) says the system speaks Russian.
    const window = await launchParticipant({ color: 'green' });
    const renderer = await startDesktopRendererServer(WEB_ROOT);
    let language: LanguageState = { setting: 'system', language: 'ru' };
    const chosen: LanguageSetting[] = [];
    const hosting: HostingStatus = {
      state: 'hosting',
      port: 8443,
      participants: 5,
      announced: true,
      self: { server: 'https://127.0.0.1:8443', room: 'calm-otter-42', fingerprint: 'fp' },
      invite: {
        code: 'calm-otter-42',
        meetingName: 'Встреча: Ada',
        fingerprint: 'fp',
        fingerprintText: 'AB:CD:EF:01',
        links: [{ address: '192.168.1.20', url: 'https://192.168.1.20:8443/?room=calm-otter-42&fp=fp' }],
      },
    };
    const notHere = (): never => {
      throw new DesktopError('unavailable', 'not in this test');
    };
    const sections = { app: APP_CHANNELS, hosting: HOSTING_CHANNELS, meeting: MEETING_CHANNELS, settings: SETTINGS_CHANNELS };
    const runners = channelRunners(sections, {
      ...testAppHandlers('0.0.0-test'),
      'hosting:status': () => hosting,
      'hosting:discovered': () => [
        {
          id: 'other',
          meetingName: 'Team sync',
          code: 'brave-lamp-7',
          fingerprint: null,
          protocol: 99,
          compatible: false,
          port: 8443,
          addresses: ['192.168.1.30'],
          url: 'https://192.168.1.30:8443/?room=brave-lamp-7',
        },
      ],
      'hosting:start': notHere,
      'hosting:stop': notHere,
      'hosting:copy-invite': notHere,
      'hosting:resolve-invite': notHere,
      'meeting:report': () => undefined,
      'settings:language': () => language,
      'settings:set-language': (setting) => {
        chosen.push(setting);
        language = { setting, language: setting === 'system' ? 'ru' : setting };
        return language;
      },
    });
    try {
      await exposeDesktop(window.page, sections, runners);
      await window.page.goto(`${renderer.url}/`);
      await window.page.getByTestId('hosting-panel').waitFor();
      await expect.poll(() => window.page.getByTestId('continue-button').textContent()).toBe('Продолжить');
      await expect.poll(() => window.page.getByTestId('hosting-panel').textContent()).toContain('Код calm-otter-42 · 5 участников');
      await russianScreen(window.page, 'desktop-home');
      expect(chosen).toEqual([]);

      // Chosen in the window: main is told (its menus and tray follow), and the window speaks it.
      await window.page.getByTestId('language-select').selectOption('en');
      await expect.poll(() => window.page.getByTestId('continue-button').textContent()).toBe('Continue');
      expect(chosen).toEqual(['en']);
      expect(await window.page.getByTestId('hosting-panel').textContent()).toContain('Code calm-otter-42 · 5 people');
      expect(await cyrillicOn(window.page)).toEqual(['Встреча: Ada']);

      // Chosen elsewhere (another window): main says so, and this window follows.
      language = { setting: 'ru', language: 'ru' };
      await emitToPage(window.page, 'settings:language-changed', language);
      await expect.poll(() => window.page.getByTestId('continue-button').textContent()).toBe('Продолжить');
      expect(await window.page.getByTestId('language-select').inputValue()).toBe('ru');
    } finally {
      await renderer.close();
    }
  });
});
