import { launchParticipant, type LaunchOptions, type Participant } from './chromium';
import type { PatternColor } from './fake-media';
import { meetingUrl, selfId } from './meeting-page';

/** A test participant: their browser, their camera colour and, once in, their participant id. */
export interface Person {
  name: string;
  color: PatternColor;
  browser: Participant;
  id: string;
}

export interface ArriveOptions {
  /** Added to the meeting link (e.g. `&audioFirst=2`). */
  query?: string;
  /** How their browser starts. */
  launch?: LaunchOptions;
}

/** Launches a browser with a camera of `color` and joins `room` through the meeting link. */
export async function arrive(server: string, room: string, name: string, color: PatternColor, options: ArriveOptions = {}): Promise<Person> {
  const browser = await launchParticipant({ ...options.launch, color });
  await browser.page.goto(`${meetingUrl(server, room, name)}${options.query ?? ''}`);
  return { name, color, browser, id: await selfId(browser.page) };
}
