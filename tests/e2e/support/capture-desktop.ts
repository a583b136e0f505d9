import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import { DESKTOP_CHANNELS, type IpcEventName, type IpcEvents } from '../../../src/shared/ipc';
import { APP_CHANNELS } from '../../../src/shared/ipc/app';
import { CAPTURE_CHANNELS, type CaptureControl, type VideoFormat } from '../../../src/shared/ipc/capture';
import { DEVICES_CHANNELS } from '../../../src/shared/ipc/devices';
import { HOSTING_CHANNELS } from '../../../src/shared/ipc/hosting';
import { MEETING_CHANNELS } from '../../../src/shared/ipc/meeting';
import { devicesIpcHandlers } from '../../../src/main/electron/devices-ipc';
import { channelRunners } from '../../../src/main/ipc/dispatch';
import { createCapture, type CaptureServices } from '../../../src/main/services/capture';
import { createCaptureHandlers } from '../../../src/main/services/capture/capture-handlers';
import type { CapturePort } from '../../../src/main/services/capture/service';
import { createDeviceCatalogue, type DeviceCatalogue } from '../../../src/main/services/devices';
import { serveRenderer } from './desktop-platform';
import { WEB_ROOT } from './paths';
import { emitToPage, exposeDesktop, idleHostingHandlers, testAppHandlers, type Runners } from './test-desktop';

export interface CaptureDesktopOptions {
  /** Where the app keeps its data (device cache and choices, added sources). */
  dataDir: string;
  /** FFmpeg's environment (e.g. a private PulseAudio server). */
  env?: NodeJS.ProcessEnv;
  /**
   * The picture the page's video captures are opened at, in place of the one it asks for (the
   * app's 1280x720 at 30 fps): a smaller one for a test that looks only at what the picture shows.
   * At the app's size every frame crosses to the page raw (1.4 MB) and is encoded there, the
   * heaviest thing a single test did: on a loaded machine each capture case missed its 120 s.
   */
  videoFormat?: VideoFormat;
}

/**
 * The desktop app's main process for capture, for a page in plain Chromium (no Electron here):
 * the REAL device catalogue, capture service and added sources run in the test's Node process;
 * the page is the real web client served the way the app serves it (its CSP), with a
 * `window.desktop` whose calls reach those services through Playwright's exposeBinding and the
 * shell's generic channel path. Every section of the app is there; the channels of `screen`, and of
 * `recording` unless other runners answer them, are unavailable.
 *
 * A capture's frames cannot cross from this process to the page as Electron's MessagePort does,
 * so they travel on a WebSocket to the page, which puts them on a MessageChannel and posts its
 * port to the window exactly as the app's preload does: from the port on, the renderer's code
 * path is the app's.
 */
export class CaptureDesktop {
  readonly catalogue: DeviceCatalogue;
  readonly capture: CaptureServices;
  readonly runners: Runners;
  private readonly pages = new Set<Page>();
  private readonly sockets = new Set<WebSocket>();
  private offCatalogue: () => void = () => undefined;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly videoFormat: VideoFormat | undefined;
  url = '';

  constructor(options: CaptureDesktopOptions, extraRunners: Runners = new Map()) {
    this.videoFormat = options.videoFormat;
    this.catalogue = createDeviceCatalogue({ dataDir: options.dataDir, platform: 'linux', ...(options.env ? { env: options.env } : {}) });
    this.capture = createCapture({ dataDir: options.dataDir, catalogue: this.catalogue, platform: 'linux', ...(options.env ? { env: options.env } : {}) });
    const local = { app: APP_CHANNELS, hosting: HOSTING_CHANNELS, meeting: MEETING_CHANNELS, devices: DEVICES_CHANNELS, capture: CAPTURE_CHANNELS };
    this.runners = new Map([
      ...channelRunners(local, {
        ...testAppHandlers('0.0.0-e2e'),
        ...idleHostingHandlers(),
        ...devicesIpcHandlers(this.catalogue),
        ...createCaptureHandlers(this.capture.sources, async () => null),
      }),
      ...extraRunners,
    ]);
  }

  /** Starts the services and the page server (web client + the capture WebSocket on the same origin). */
  async start(): Promise<void> {
    await this.catalogue.start();
    await this.catalogue.refresh();
    await this.capture.sources.load();
    this.offCatalogue = this.catalogue.onChange((snapshot) => this.emit('devices:changed', snapshot));
    this.http = createServer(serveRenderer(WEB_ROOT));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    this.http.on('upgrade', (req, socket, head) => {
      if (req.url !== '/__capture') return void socket.destroy();
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Makes `page` the desktop app's window; `server` is the meeting server it remembers. */
  async attach(page: Page, server: string): Promise<void> {
    this.pages.add(page);
    page.once('close', () => this.pages.delete(page));
    await exposeDesktop(page, DESKTOP_CHANNELS, this.runners, { script: INIT, arg: server });
  }

  /** The page URL of a meeting in the desktop app. */
  meetingUrl(room: string, name: string, autojoin = true): string {
    return `${this.url}/?${new URLSearchParams({ room, name, start: '1', ...(autojoin ? { autojoin: '1' } : {}) })}`;
  }

  /** Pushes a main -> renderer event to every attached page. */
  emit<E extends IpcEventName>(event: E, payload: IpcEvents[E]): void {
    for (const page of this.pages) void emitToPage(page, event, payload).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.offCatalogue();
    this.capture.service.stopAll();
    for (const socket of this.sockets) socket.terminate();
    this.wss?.close();
    // Connections cut as the server closes, not after: Node's close waits for every one (a page's browser may hold one it opened ahead of a request).
    const closed = new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
    await closed;
    this.catalogue.dispose();
    this.pages.clear();
  }

  /** One capture: the first message is `{ type: 'open', id, request }`; then frames out, acks in. */
  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    const listeners: Array<(data: unknown) => void> = [];
    const closeListeners: Array<() => void> = [];
    let opened = false;
    ws.on('close', () => {
      this.sockets.delete(ws);
      for (const listener of closeListeners) listener();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (!opened) {
        opened = true;
        const open = message as { type?: unknown; id?: unknown; request?: unknown };
        const asked = open.request;
        const request = this.videoFormat && typeof asked === 'object' && asked !== null && 'video' in asked ? { ...asked, video: this.videoFormat } : asked;
        if (open.type === 'open' && typeof open.id === 'string') void this.capture.service.open(open.id, request, port);
        return;
      }
      for (const listener of listeners) listener(message);
    });
    const port: CapturePort = {
      post: (message: Uint8Array | CaptureControl) => {
        if (ws.readyState !== ws.OPEN) return;
        if (message instanceof Uint8Array) ws.send(message, { binary: true });
        else ws.send(JSON.stringify(message));
      },
      onMessage: (listener) => void listeners.push(listener),
      onClose: (listener) => void closeListeners.push(listener),
      close: () => ws.close(),
    };
  }
}

/**
 * Runs in the page once its `window.desktop` is made (see exposeDesktop): `capture.open` as the
 * app's preload does it (a MessagePort posted to the window), its frames arriving from the test on
 * a WebSocket; `recording.append` with the chunk in base64 (Electron's IPC carries bytes as they
 * are, Playwright's binding does not: the process that answers decodes it); and the meeting server
 * the app remembers. A string, because tsx rewrites functions it compiles.
 */
const INIT = `(server) => {
  const openCapture = (request) => {
    const id = crypto.randomUUID();
    const channel = new MessageChannel();
    const ws = new WebSocket('ws://' + location.host + '/__capture');
    ws.binaryType = 'arraybuffer';
    const pending = [];
    let ended = false;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'open', id, request }));
      for (const text of pending.splice(0)) ws.send(text);
    };
    ws.onmessage = (event) => {
      if (typeof event.data === 'string') {
        const message = JSON.parse(event.data);
        if (message.type === 'ended') ended = true;
        channel.port1.postMessage(message);
      } else channel.port1.postMessage(event.data, [event.data]);
    };
    ws.onclose = () => {
      if (!ended) channel.port1.postMessage({ type: 'ended', reason: 'The capture connection closed.', error: true });
      channel.port1.close();
    };
    channel.port1.onmessage = (event) => {
      const text = JSON.stringify(event.data);
      if (ws.readyState === 1) ws.send(text);
      else if (ws.readyState === 0) pending.push(text);
    };
    window.postMessage({ type: 'roundtable:capture-port', id }, location.origin, [channel.port2]);
    return Promise.resolve({ ok: true, value: id });
  };
  window.desktop.capture.open = openCapture;
  const append = window.desktop.recording.append;
  window.desktop.recording.append = (id, chunk, elapsedMs) => {
    let text = '';
    for (let i = 0; i < chunk.length; i += 0x8000) text += String.fromCharCode(...chunk.subarray(i, i + 0x8000));
    return append(id, btoa(text), elapsedMs);
  };
  localStorage.setItem('roundtable.lastServer', server);
}`;

/**
 * How loud the sound a page receives from `participantId` is at `frequency` Hz, against the rest
 * of the spectrum: an AnalyserNode on the remote audio track (FFT), averaged over `ms`.
 * Returns the strongest frequency, its level and the level at `frequency` (dB).
 */
export async function remoteTone(
  page: Page,
  participantId: string,
  frequency: number,
  ms = 1500,
): Promise<{ peakHz: number; peakDb: number; atDb: number; medianDb: number }> {
  return page.evaluate(
    `(async () => {
      const audio = document.querySelector('audio[data-participant-id="${participantId}"]');
      const stream = audio && audio.srcObject;
      if (!stream || stream.getAudioTracks().length === 0) return { peakHz: 0, peakDb: -Infinity, atDb: -Infinity, medianDb: -Infinity };
      const context = new AudioContext();
      await context.resume();
      const source = context.createMediaStreamSource(new MediaStream([stream.getAudioTracks()[0]]));
      const analyser = context.createAnalyser();
      analyser.fftSize = 8192;
      analyser.smoothingTimeConstant = 0;
      source.connect(analyser);
      const bins = new Float32Array(analyser.frequencyBinCount);
      const sum = new Float64Array(analyser.frequencyBinCount);
      let n = 0;
      const end = performance.now() + ${ms};
      while (performance.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        analyser.getFloatFrequencyData(bins);
        for (let i = 0; i < bins.length; i++) sum[i] += Number.isFinite(bins[i]) ? bins[i] : -200;
        n++;
      }
      await context.close();
      const hz = context.sampleRate / analyser.fftSize;
      const avg = Array.from(sum, (v) => v / n);
      let peak = 1;
      for (let i = 2; i < avg.length; i++) if (avg[i] > avg[peak]) peak = i;
      const at = Math.round(${frequency} / hz);
      const sorted = [...avg].sort((a, b) => a - b);
      return { peakHz: peak * hz, peakDb: avg[peak], atDb: Math.max(avg[at - 1], avg[at], avg[at + 1]), medianDb: sorted[Math.floor(sorted.length / 2)] };
    })()`,
  );
}
