/**
 * What the desktop shell offers the renderer, exposed by the preload as `window.desktop`.
 * The renderer reaches it only through `platform/`; a browser guest has none of it.
 */
export interface AppInfo {
  name: string;
  version: string;
  platform: string;
}

export interface DesktopApi {
  appInfo(): Promise<AppInfo>;
  /** Opens an http(s) link in the user's browser; anything else is refused. */
  openExternal(url: string): Promise<void>;
}
