import type { Page } from 'playwright-core';
import { DESKTOP_EVENTS, type IpcEventName, type IpcEvents } from '../../../src/shared/ipc';
import type { APP_CHANNELS } from '../../../src/shared/ipc/app';
import { bridgeLayout, type EventChannel, type SectionHandlers, type Sections } from '../../../src/shared/ipc/contract';
import type { HOSTING_CHANNELS } from '../../../src/shared/ipc/hosting';
import type { MEETING_CHANNELS } from '../../../src/shared/ipc/meeting';
import { DesktopError } from '../../../src/shared/ipc/result';
import { forbiddenSender, unavailable, type ChannelRunner } from '../../../src/main/ipc/dispatch';

/** The channels a stand-in answers, by name (see channelRunners). */
export type Runners = ReadonlyMap<string, ChannelRunner>;

/**
 * Runs in the page before its scripts: a `window.desktop` shaped as the preload makes it, one
 * method per channel of the layout (`{ section: { method: channel } }`, from the definitions),
 * each resolving with the envelope the test's Node process answers, and `on` for pushed events.
 * A string, because tsx rewrites functions it compiles.
 */
const INIT = `(layout) => {
  const listeners = new Map();
  Object.defineProperty(window, '__rtDesktopEmit', {
    value: (event, payload) => { for (const listener of listeners.get(event) ?? []) listener(payload); },
  });
  const desktop = {};
  for (const [section, methods] of Object.entries(layout)) {
    desktop[section] = {};
    for (const [method, channel] of Object.entries(methods)) desktop[section][method] = (...args) => window.__rtDesktopInvoke(channel, args);
  }
  desktop.on = (event, listener) => {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event).add(listener);
    return () => listeners.get(event).delete(listener);
  };
  window.desktop = desktop;
}`;

/**
 * Makes `page` a window of the desktop app, for a test without Electron: `window.desktop` has a
 * method for every channel of `sections`, made from their definitions as the preload makes them,
 * and every call crosses Playwright's exposeBinding to `runners`, the shell's own generic path
 * (arguments validated against the channel's schema, the handler, the result checked, an envelope
 * back). A call from a sub-frame is refused as the shell refuses it; a channel the stand-in does
 * not answer gets an 'unavailable' envelope. `init` runs in the page after `window.desktop` is made.
 */
export async function exposeDesktop(page: Page, sections: Sections, runners: Runners, init?: { script: string; arg: unknown }): Promise<void> {
  await page.exposeBinding('__rtDesktopInvoke', async (source, channel: string, args: unknown[]) => {
    if (source.frame.parentFrame() !== null) return forbiddenSender(channel);
    const run = runners.get(channel);
    return run ? run(Array.isArray(args) ? args : []) : unavailable(channel);
  });
  // One script, so that `init` surely runs after `window.desktop` is made.
  const extra = init ? `(${init.script})(${JSON.stringify(init.arg)});` : '';
  await page.addInitScript(`(${INIT})(${JSON.stringify(bridgeLayout(sections))});${extra}`);
}

const EVENTS = new Map<string, EventChannel>(DESKTOP_EVENTS.map((event) => [event.name, event]));

/** Pushes a main -> renderer event to the page, as the shell's sendToRenderer does (the payload checked against its schema first). */
export async function emitToPage<E extends IpcEventName>(page: Page, event: E, payload: IpcEvents[E]): Promise<void> {
  EVENTS.get(event)!.payload.parse(payload);
  await page.evaluate(([e, p]) => (window as unknown as { __rtDesktopEmit(e: string, p: unknown): void }).__rtDesktopEmit(e, p), [event, payload] as const);
}

/** `app` as a test shell answers it. */
export function testAppHandlers(version: string): SectionHandlers<typeof APP_CHANNELS> {
  return {
    'app:info': () => ({ name: 'Roundtable', version, platform: 'linux' }),
    'app:open-external': () => undefined,
  };
}

/** Hosting and meeting reports in a test about something else: idle, nothing found, nothing to host. */
export function idleHostingHandlers(): SectionHandlers<typeof HOSTING_CHANNELS> & SectionHandlers<typeof MEETING_CHANNELS> {
  const notHere = (): never => {
    throw new DesktopError('unavailable', 'hosting is not available in this test');
  };
  return {
    'hosting:status': () => ({ state: 'idle', lastError: null }),
    'hosting:discovered': () => [],
    'hosting:start': notHere,
    'hosting:stop': notHere,
    'hosting:copy-invite': notHere,
    'hosting:resolve-invite': notHere,
    'meeting:report': () => undefined,
  };
}
