import type { DesktopApi } from '@shared/desktop-api';

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
    desktop?: DesktopApi;
  }
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
  current ??= window.desktop ? desktopPlatform(window.desktop) : browserPlatform();
  return current;
}
