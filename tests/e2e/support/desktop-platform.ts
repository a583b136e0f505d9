import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import type { IpcEventName, IpcEvents } from '@shared/ipc';
import type { MeetingReport } from '@shared/ipc/meeting';
import { APP_CONTENT_TYPES, APP_CSP } from '../../../src/main/electron/app-origin';
import { createHostingHandlers, MeetingReportSchema, validate, type HostingHandlerDeps } from '../../../src/main/services/hosting/hosting-handlers';

/**
 * A test `window.desktop` for a page: each call goes through Playwright's exposeBinding to the
 * REAL main-process services running in the test's Node process (the same handlers the Electron
 * shell registers), and the test can push main -> renderer events.
 */
export interface TestDesktop {
  /** What the renderer reported about its meeting (what the tray would show), latest last. */
  reports: MeetingReport[];
  emit<E extends IpcEventName>(event: E, payload: IpcEvents[E]): Promise<void>;
}

// Runs in the page before its scripts. A string, because tsx rewrites functions it compiles.
const INIT_SCRIPT = `(() => {
  const listeners = new Map();
  const invoke = (channel, ...args) => window.__rtDesktopInvoke(channel, args);
  window.__rtDesktopEmit = (event, payload) => { for (const listener of listeners.get(event) ?? []) listener(payload); };
  window.desktop = {
    app: {
      info: async () => ({ name: 'Roundtable', version: '0.0.0-test', platform: 'linux' }),
      openExternal: async () => undefined,
    },
    hosting: {
      status: () => invoke('hosting:status'),
      start: (options) => invoke('hosting:start', options),
      stop: () => invoke('hosting:stop'),
      copyInvite: () => invoke('hosting:copy-invite'),
      discovered: () => invoke('hosting:discovered'),
      resolveInvite: (request) => invoke('hosting:resolve-invite', request),
    },
    meeting: { report: (report) => invoke('meeting:report', report) },
    on: (event, listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return () => listeners.get(event).delete(listener);
    },
  };
})();`;

export async function installTestDesktop(page: Page, deps: HostingHandlerDeps): Promise<TestDesktop> {
  const hosting = createHostingHandlers(deps);
  const reports: MeetingReport[] = [];
  const handlers: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    ...hosting,
    'meeting:report': async (report: unknown) => void reports.push(validate(MeetingReportSchema, report, 'meeting:report')),
  };
  await page.exposeBinding('__rtDesktopInvoke', async (_source, channel: string, args: unknown[]) => {
    const handler = handlers[channel];
    if (!handler) throw new Error(`no handler for "${channel}" in the test desktop`);
    return handler(...args);
  });
  await page.addInitScript(INIT_SCRIPT);
  const desktop: TestDesktop = {
    reports,
    emit: async (event, payload) => {
      await page.evaluate(([e, p]) => (window as unknown as { __rtDesktopEmit(e: string, p: unknown): void }).__rtDesktopEmit(e, p), [event, payload] as const);
    },
  };
  // Main pushes hosting status changes, as the shell does.
  deps.hosting.events.on('status', (status) => void desktop.emit('hosting:status', status).catch(() => undefined));
  return desktop;
}

export interface RendererServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the built renderer the way the desktop app does (app:// with the app's CSP, which lets
 * it connect to any meeting server), on a loopback origin so the page is a secure context.
 */
/** Serves the built renderer from `webRoot` as the app:// handler does (content types, CSP). */
export function serveRenderer(webRoot: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = normalize(join(webRoot, path === '/' ? 'index.html' : decodeURIComponent(path)));
    if (!file.startsWith(webRoot)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) =>
        res.writeHead(200, { 'content-type': APP_CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': APP_CSP }).end(body),
      () => res.writeHead(404).end(),
    );
  };
}

export async function startDesktopRendererServer(webRoot: string): Promise<RendererServer> {
  const server = createServer(serveRenderer(webRoot));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
