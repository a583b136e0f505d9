import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllParticipants, launchParticipant, type Participant } from './support/chromium';
import { startMeetingServer, type MeetingServer } from './support/meeting-server';
import { SCREENSHOT_DIR } from './support/paths';

let server: MeetingServer;
let person: Participant;
beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  server = await startMeetingServer();
  person = await launchParticipant({ color: 'magenta' });
  // Every Web Audio context the page makes, to see which keep running.
  await person.page.addInitScript(() => {
    const contexts: AudioContext[] = [];
    (window as unknown as { audioContexts: AudioContext[] }).audioContexts = contexts;
    window.AudioContext = class extends window.AudioContext {
      constructor(options?: AudioContextOptions) {
        super(options);
        contexts.push(this);
      }
    };
  });
});
afterAll(async () => {
  await closeAllParticipants();
  await server?.close();
});

describe('home and pre-join', () => {
  it('asks for a name and a meeting code, makes readable codes, and explains mistakes', async () => {
    const { page } = person;
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('name-input').isVisible()).toBe(true);
    // A browser guest talks to the server that served it: no server field.
    expect(await page.getByTestId('server-input').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/home.png` });

    await page.getByTestId('continue-button').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Enter your name');
    await page.getByTestId('name-input').fill('Grace Hopper');
    await page.getByTestId('room-input').fill('not/valid');
    await page.getByTestId('continue-button').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Latin letters (a–z), digits and dashes');
    // A Cyrillic code is told the same, not "letters" it has.
    await page.getByTestId('room-input').fill('встреча-42');
    await page.getByTestId('continue-button').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Latin letters (a–z), digits and dashes');

    await page.getByTestId('new-meeting').click();
    const code = await page.getByTestId('room-input').inputValue();
    expect(code).toMatch(/^[a-z]+(-[a-z]+){5}$/);
    await page.getByTestId('continue-button').click();
    await expect.poll(() => page.getByTestId('meeting-code').textContent()).toBe(code);
  });

  it('shows the camera preview, a live microphone level and the device pickers before joining', async () => {
    const { page } = person;
    await page.locator('[data-testid="preview"] video[data-showing="true"]').waitFor();
    for (const picker of ['camera-select', 'microphone-select', 'speaker-select']) {
      await expect.poll(() => page.getByTestId(picker).locator('option').count()).toBeGreaterThan(0);
    }
    // Chromium's fake microphone beeps: the meter moves.
    await expect.poll(async () => Number(await page.getByTestId('mic-level').getAttribute('data-level')), { timeout: 10_000 }).toBeGreaterThan(0.2);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/prejoin.png` });

    await page.getByTestId('camera-toggle').click();
    await expect.poll(() => page.locator('[data-testid="preview"] .placeholder').isVisible()).toBe(true);
    await page.getByTestId('camera-toggle').click();
    await page.locator('[data-testid="preview"] video[data-showing="true"]').waitFor();
  });

  it('in the meeting, the microphone meter no longer runs Web Audio', async () => {
    const { page } = person;
    const states = () => page.evaluate(() => (window as unknown as { audioContexts: AudioContext[] }).audioContexts.map((c) => c.state));
    expect(await states()).toContain('running');
    await page.getByTestId('join-button').click();
    await page.getByTestId('leave-button').waitFor();
    // A running context renders on an audio output all the time, for nothing once the meter is gone.
    // It is suspended a couple of seconds after the join, not during it (that call blocks the page).
    await expect.poll(states, { timeout: 10_000 }).not.toContain('running');
  });

  it('remembers the name for next time', async () => {
    const { page } = person;
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('name-input').inputValue()).toBe('Grace Hopper');
  });

  it('opens a link whose code is Cyrillic on the home screen with that code and why it is no code', async () => {
    const { page } = person;
    await page.goto(`${server.url}/?${new URLSearchParams({ room: 'встреча-42', name: 'Grace Hopper', autojoin: '1' })}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Latin letters (a–z), digits and dashes');
    expect(await page.getByTestId('room-input').inputValue()).toBe('встреча-42');
  });
});
