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

/**
 * Launches a browser with a camera of `color` and joins `room` through the meeting link;
 * `query` adds launch parameters (e.g. `&audioFirst=2`), `launch` how their browser starts.
 */
export async function arrive(server: string, room: string, name: string, color: PatternColor, query = '', launch: LaunchOptions = {}): Promise<Person> {
  const browser = await launchParticipant({ ...launch, color });
  await browser.page.goto(`${meetingUrl(server, room, name)}${query}`);
  return { name, color, browser, id: await selfId(browser.page) };
}
