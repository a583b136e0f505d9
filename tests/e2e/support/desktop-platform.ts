import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import type { IpcEventName, IpcEvents } from '@shared/ipc';
import { APP_CHANNELS } from '@shared/ipc/app';
import { HOSTING_CHANNELS } from '@shared/ipc/hosting';
import { MEETING_CHANNELS, type MeetingReport } from '@shared/ipc/meeting';
import { APP_CONTENT_TYPES, APP_CSP } from '../../../src/main/electron/app-origin';
import { channelRunners } from '../../../src/main/ipc/dispatch';
import { createHostingHandlers, type HostingHandlerDeps } from '../../../src/main/services/hosting/hosting-handlers';
import { emitToPage, exposeDesktop, testAppHandlers } from './test-desktop';

/**
 * A test `window.desktop` for a page: each call goes through Playwright's exposeBinding to the
 * REAL main-process services running in the test's Node process (the same handlers the Electron
 * shell registers, through the same generic path), and the test can push main -> renderer events.
 */
export interface TestDesktop {
  /** What the renderer reported about its meeting (what the tray would show), latest last. */
  reports: MeetingReport[];
  emit<E extends IpcEventName>(event: E, payload: IpcEvents[E]): Promise<void>;
}

export async function installTestDesktop(page: Page, deps: HostingHandlerDeps): Promise<TestDesktop> {
  const reports: MeetingReport[] = [];
  const sections = { app: APP_CHANNELS, hosting: HOSTING_CHANNELS, meeting: MEETING_CHANNELS };
  const runners = channelRunners(sections, {
    ...testAppHandlers('0.0.0-test'),
    ...createHostingHandlers(deps),
    'meeting:report': (report) => void reports.push(report),
  });
  await exposeDesktop(page, sections, runners);
  const desktop: TestDesktop = { reports, emit: (event, payload) => emitToPage(page, event, payload) };
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
  return {
    url: `http://127.0.0.1:${port}`,
    // Every connection cut at once: a page's browser may hold one it opened ahead of a request, which Node's close waits for without end.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
