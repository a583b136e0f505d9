import type { DesktopApi, DesktopBridge } from '@shared/desktop-api';
import { desktopClient } from '@shared/ipc/client';

export { DesktopError, isDesktopError, type DesktopErrorCode } from '@shared/ipc/result';

export interface Platform {
  kind: 'desktop' | 'browser';
  /** The meeting server to use unless the user picks another. */
  defaultServer(): string;
  /** Whether the user may choose the server (a browser guest talks only to the one that served it). */
  canChooseServer: boolean;
  rememberServer(url: string): void;
  desktop: DesktopApi | null;
}

const LAST_SERVER = 'roundtable.lastServer';

declare global {
  interface Window {
    /** What the preload exposes: every call resolves with a result envelope (see desktopClient). */
    desktop?: DesktopBridge;
  }
}

let desktop: DesktopApi | null | undefined;

/**
 * The desktop shell's API when the preload put `window.desktop` there, else null (a browser guest).
 * Each call resolves with its value or rejects with a DesktopError (code, message, details) made
 * from main's error envelope.
 */
export function getDesktop(): DesktopApi | null {
  if (desktop === undefined) desktop = window.desktop ? desktopClient(window.desktop) : null;
  return desktop;
}

function desktopPlatform(api: DesktopApi): Platform {
  return {
    kind: 'desktop',
    canChooseServer: true,
    defaultServer: () => localStorage.getItem(LAST_SERVER) ?? '',
    rememberServer: (url) => localStorage.setItem(LAST_SERVER, url),
    desktop: api,
  };
}

function browserPlatform(): Platform {
  return {
    kind: 'browser',
    canChooseServer: false,
    defaultServer: () => location.origin,
    rememberServer: () => undefined,
    desktop: null,
  };
}

let current: Platform | undefined;

/** The desktop shell when the preload put its API on `window`, else a browser guest. */
export function getPlatform(): Platform {
  if (current) return current;
  const api = getDesktop();
  current = api ? desktopPlatform(api) : browserPlatform();
  return current;
}
