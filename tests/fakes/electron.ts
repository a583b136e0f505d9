/**
 * A typed fake of the parts of the `electron` module the shell uses, for unit tests that run
 * without Electron's binary (vitest aliases `electron` to this file for src/main/electron and
 * src/preload). It records what the shell did so tests can assert it and drive events.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type * as Electron from 'electron';
import { vi } from 'vitest';

type Listener = (...args: never[]) => unknown;

class FakeEmitter {
  private readonly emitter = new EventEmitter();
  on(event: string, listener: Listener): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }
  once(event: string, listener: Listener): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }
  removeListener(event: string, listener: Listener): this {
    this.emitter.removeListener(event, listener as (...args: unknown[]) => void);
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    return this.emitter.emit(event, ...args);
  }
  listenerCount(event: string): number {
    return this.emitter.listenerCount(event);
  }
  removeAllListeners(): this {
    this.emitter.removeAllListeners();
    return this;
  }
}

export class FakeWebContents extends FakeEmitter {
  url = '';
  windowOpenHandler: ((details: { url: string }) => Electron.WindowOpenHandlerResponse) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => Electron.WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  send = vi.fn((_channel: string, ..._args: unknown[]) => undefined);
  /** Test helper: emits a cancellable event (will-navigate etc.) and says whether it was prevented. */
  dispatch(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class BrowserWindow extends FakeEmitter {
  static readonly all: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((w) => !w.destroyed);
  }
  readonly webContents = new FakeWebContents();
  destroyed = false;
  visible = false;
  loaded: string | undefined;
  constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
    super();
    BrowserWindow.all.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = url;
    this.webContents.url = url;
  }
  show(): void {
    this.visible = true;
  }
  /** The task bar / dock progress (setProgressBar): -1 when none is shown. */
  progress = -1;
  setProgressBar(progress: number): void {
    this.progress = progress;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.visible = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Like Electron: a 'close' listener may call preventDefault() to keep the window. */
  close(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends FakeEmitter {
  ready = false;
  /** Like Electron's: false when run from source (electron-vite dev/preview), true in a packaged build. */
  isPackaged = false;
  private readyResolve!: () => void;
  private readyPromise = new Promise<void>((resolve) => (this.readyResolve = resolve));
  enableSandbox = vi.fn(() => undefined);
  quit = vi.fn(() => undefined);
  exit = vi.fn((_code?: number) => undefined);
  getName = (): string => 'Roundtable';
  getVersion = (): string => '0.0.0-test';
  getLocale = vi.fn((): string => 'en-US');
  getPreferredSystemLanguages = vi.fn((): string[] => ['en-US']);
  getPath = vi.fn((name: string) => `/tmp/roundtable-test/${name}`);
  requestSingleInstanceLock = vi.fn(() => true);
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  isReady(): boolean {
    return this.ready;
  }
  /** Test helper: fires 'ready' the way Electron would. */
  becomeReady(): void {
    this.ready = true;
    this.readyResolve();
    this.emit('ready');
  }
  /** Test helper: a new run of the app (not ready yet, nobody listening), for a test that starts the shell more than once. */
  restart(): void {
    this.removeAllListeners();
    this.ready = false;
    this.readyPromise = new Promise<void>((resolve) => (this.readyResolve = resolve));
  }
}
export const app = new FakeApp();

export class FakeSession {
  permissionRequestHandler: Parameters<Electron.Session['setPermissionRequestHandler']>[0] = null;
  permissionCheckHandler: Parameters<Electron.Session['setPermissionCheckHandler']>[0] = null;
  displayMediaRequestHandler: Parameters<Electron.Session['setDisplayMediaRequestHandler']>[0] = null;
  setPermissionRequestHandler(handler: Parameters<Electron.Session['setPermissionRequestHandler']>[0]): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Parameters<Electron.Session['setPermissionCheckHandler']>[0]): void {
    this.permissionCheckHandler = handler;
  }
  setDisplayMediaRequestHandler(handler: Parameters<Electron.Session['setDisplayMediaRequestHandler']>[0]): void {
    this.displayMediaRequestHandler = handler;
  }
  certificateVerifyProc: Parameters<Electron.Session['setCertificateVerifyProc']>[0] = null;
  /** The network service's cache of the verify proc's answers, by host name and certificate; like Electron, setting a proc empties it. */
  private readonly verifyCache = new Map<string, number>();
  setCertificateVerifyProc(proc: Parameters<Electron.Session['setCertificateVerifyProc']>[0]): void {
    this.certificateVerifyProc = proc;
    this.verifyCache.clear();
  }

  /**
   * Test helper: what Chromium makes of the certificate (PEM) a server at `url` presents, as Electron
   * wires it: the verify proc first (it sees the host name only, and its answers are cached until a
   * proc is set again); when the proc defers to Chromium (-3) and Chromium's own check (`chromium`:
   * 'OK' for a certificate a trusted authority signed, or an error such as
   * 'net::ERR_CERT_AUTHORITY_INVALID' for a self-signed one) fails, app's 'certificate-error' with
   * the URL, where a listener may trust it (preventDefault() and callback(true)).
   */
  async connect(url: string, certificatePem: string, chromium = 'net::ERR_CERT_AUTHORITY_INVALID'): Promise<'accepted' | 'refused'> {
    const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const certificate = fakeCertificate(certificatePem);
    const key = `${hostname}\n${certificatePem}`;
    let code = this.verifyCache.get(key);
    if (code === undefined) {
      const proc = this.certificateVerifyProc;
      const chromiumCode = chromium === 'OK' ? 0 : -202;
      code = proc
        ? await new Promise<number>((resolve) =>
            proc(
              {
                hostname,
                certificate,
                validatedCertificate: certificate,
                isIssuedByKnownRoot: chromium === 'OK',
                verificationResult: chromium,
                errorCode: chromiumCode,
              },
              resolve,
            ),
          )
        : -3;
      this.verifyCache.set(key, code);
    }
    if (code === 0) return 'accepted';
    if (code !== -3) return 'refused';
    if (chromium === 'OK') return 'accepted';
    let trusted = false;
    let prevented = false;
    const event = {
      preventDefault: () => void (prevented = true),
      get defaultPrevented() {
        return prevented;
      },
    };
    app.emit(
      'certificate-error',
      event,
      new FakeWebContents() as unknown as Electron.WebContents,
      url,
      chromium,
      certificate,
      (isTrusted: boolean) => (trusted = isTrusted),
      false,
    );
    return prevented && trusted ? 'accepted' : 'refused';
  }
}

/** Electron's description of a certificate (PEM), as the verify proc and 'certificate-error' get it. */
export function fakeCertificate(pem: string): Electron.Certificate {
  const x509 = new X509Certificate(pem);
  const principal = (name: string): Electron.CertificatePrincipal => ({
    commonName: /(?:^|\n)CN=([^\n]*)/.exec(name)?.[1] ?? '',
    organizations: [],
    organizationUnits: [],
    locality: '',
    state: '',
    country: '',
  });
  const certificate: Electron.Certificate = {
    data: pem,
    fingerprint: `sha256/${createHash('sha256').update(x509.raw).digest('base64')}`,
    issuer: principal(x509.issuer),
    issuerName: principal(x509.issuer).commonName,
    subject: principal(x509.subject),
    subjectName: principal(x509.subject).commonName,
    serialNumber: x509.serialNumber,
    validStart: Math.floor(Date.parse(x509.validFrom) / 1000),
    validExpiry: Math.floor(Date.parse(x509.validTo) / 1000),
    issuerCert: undefined as unknown as Electron.Certificate,
  };
  // The certificates the app meets are self-signed: their own issuer.
  certificate.issuerCert = certificate;
  return certificate;
}
export const session = { defaultSession: new FakeSession() };

type ProtocolHandler = (request: Request) => Response | Promise<Response>;
export const protocol = {
  privileged: [] as Electron.CustomScheme[],
  handlers: new Map<string, ProtocolHandler>(),
  registerSchemesAsPrivileged(schemes: Electron.CustomScheme[]): void {
    if (app.ready) throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
    protocol.privileged.push(...schemes);
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    protocol.handlers.set(scheme, handler);
  },
};

/** Electron's net.fetch; file:// URLs are read from disk. */
export const net = {
  async fetch(url: string): Promise<Response> {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    try {
      return new Response(await readFile(fileURLToPath(url)));
    } catch {
      return new Response(null, { status: 404 });
    }
  },
};

export const shell = { openExternal: vi.fn(async (_url: string) => undefined), showItemInFolder: vi.fn((_path: string) => undefined) };

type InvokeHandler = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown;
type MessageListener = (event: Electron.IpcMainEvent, ...args: unknown[]) => void;

/** Electron's MessagePortMain: Node-style events, start() before messages flow; `peer` is what the other end received. */
export class FakeMessagePortMain extends FakeEmitter {
  started = false;
  closed = false;
  /** What was posted from this end, in order. */
  readonly posted: unknown[] = [];
  start(): void {
    this.started = true;
  }
  postMessage(message: unknown): void {
    if (this.closed) throw new Error('port closed');
    this.posted.push(message);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
  /** Test helper: the renderer's end sent `data`. */
  receive(data: unknown): void {
    this.emit('message', { data, ports: [] });
  }
}

/** Electron's UtilityProcess: what was posted to it; a test makes it answer or exit. */
export class FakeUtilityProcess extends FakeEmitter {
  readonly posted: unknown[] = [];
  killed = false;
  pid: number | undefined = 4242;
  constructor(
    readonly modulePath: string,
    readonly options: Electron.ForkOptions,
  ) {
    super();
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    if (this.killed) return false;
    this.killed = true;
    setImmediate(() => this.emit('exit', 0));
    return true;
  }
  /** Test helper: the process sent `message` to the main process. */
  send(message: unknown): void {
    this.emit('message', message);
  }
}

export const utilityProcess = {
  forked: [] as FakeUtilityProcess[],
  fork: vi.fn((modulePath: string, _args?: string[], options: Electron.ForkOptions = {}) => {
    const child = new FakeUtilityProcess(modulePath, options);
    utilityProcess.forked.push(child);
    return child as unknown as Electron.UtilityProcess;
  }),
};

export const ipcMain = {
  listeners: new Map<string, Set<MessageListener>>(),
  on(channel: string, listener: MessageListener): void {
    const set = ipcMain.listeners.get(channel) ?? new Set();
    set.add(listener);
    ipcMain.listeners.set(channel, set);
  },
  removeListener(channel: string, listener: MessageListener): void {
    ipcMain.listeners.get(channel)?.delete(listener);
  },
  /** Test helper: a renderer frame at `url` posts a message with ports (ipcRenderer.postMessage). */
  postMessageAs(url: string, channel: string, message: unknown, ports: FakeMessagePortMain[], options: { subframe?: boolean } = {}): void {
    const senderFrame = { url, parent: options.subframe ? {} : null } as unknown as Electron.WebFrameMain;
    const event = { senderFrame, ports } as unknown as Electron.IpcMainEvent;
    for (const listener of ipcMain.listeners.get(channel) ?? []) listener(event, message);
  },
  handlers: new Map<string, InvokeHandler>(),
  handle(channel: string, handler: InvokeHandler): void {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    ipcMain.handlers.delete(channel);
  },
  /** Test helper: invokes a channel as a renderer frame at `url` would. */
  async invokeAs(url: string, channel: string, args: unknown[], options: { subframe?: boolean } = {}): Promise<unknown> {
    const handler = ipcMain.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const senderFrame = { url, parent: options.subframe ? {} : null } as unknown as Electron.WebFrameMain;
    return handler({ senderFrame } as Electron.IpcMainInvokeEvent, ...args);
  },
};

export const ipcRenderer = {
  invoke: vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => undefined),
  on: vi.fn((_channel: string, _listener: (...args: unknown[]) => void) => ipcRenderer),
  removeListener: vi.fn((_channel: string, _listener: (...args: unknown[]) => void) => ipcRenderer),
  postMessage: vi.fn((_channel: string, _message: unknown, _transfer?: unknown[]) => undefined),
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed.set(key, api);
  },
};

export class Menu {
  static current: Menu | null = null;
  constructor(readonly template: Electron.MenuItemConstructorOptions[]) {}
  static buildFromTemplate(template: Electron.MenuItemConstructorOptions[]): Menu {
    return new Menu(template);
  }
  static setApplicationMenu(menu: Menu | null): void {
    Menu.current = menu;
  }
}

export const dialog = {
  showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })),
  showOpenDialog: vi.fn(async (_options: Electron.OpenDialogOptions): Promise<Electron.OpenDialogReturnValue> => ({ canceled: true, filePaths: [] })),
};

export const nativeTheme = Object.assign(new FakeEmitter(), { shouldUseDarkColors: true });

export const nativeImage = {
  createFromPath: (path: string) => ({ path, isEmpty: () => false, setTemplateImage: vi.fn() }),
  createFromDataURL: (url: string) => ({ url, isEmpty: () => false }),
};

export class Tray extends FakeEmitter {
  static readonly all: Tray[] = [];
  tooltip = '';
  menu: Menu | null = null;
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    Tray.all.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: Menu | null): void {
    this.menu = menu;
  }
  setImage(image: unknown): void {
    (this as { image: unknown }).image = image;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export const clipboard = { text: '', writeText: (text: string) => void (clipboard.text = text) };

export class Notification extends FakeEmitter {
  static shown: Array<{ title: string; body?: string }> = [];
  static isSupported(): boolean {
    return true;
  }
  constructor(readonly options: { title: string; body?: string }) {
    super();
  }
  show(): void {
    Notification.shown.push(this.options);
  }
}

export const desktopCapturer = { getSources: vi.fn(async () => [] as Electron.DesktopCapturerSource[]) };

/** Resets everything recorded, between tests. */
export function resetFakeElectron(): void {
  BrowserWindow.all.length = 0;
  Tray.all.length = 0;
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  ipcMain.handlers.clear();
  contextBridge.exposed.clear();
  Menu.current = null;
  Notification.shown = [];
  utilityProcess.forked.length = 0;
  app.isPackaged = false;
  session.defaultSession = new FakeSession();
  vi.clearAllMocks();
}

export default {
  app,
  BrowserWindow,
  session,
  protocol,
  net,
  shell,
  ipcMain,
  ipcRenderer,
  contextBridge,
  Menu,
  dialog,
  nativeTheme,
  nativeImage,
  Tray,
  clipboard,
  Notification,
  desktopCapturer,
  utilityProcess,
};
