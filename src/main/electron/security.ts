import { shell, type Session, type WebContents } from 'electron';
import { isAppUrl } from './app-origin';

/**
 * Permissions our renderer may have: camera and microphone (which in Chromium also lets it pick
 * the speaker with setSinkId), screen capture, notifications. Everything else, and everyone
 * else, is refused; the clipboard goes through IPC to the main process.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['media', 'display-capture', 'notifications']);

export function isPermissionGranted(permission: string, requestingUrl: string, devServerUrl?: string): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl, devServerUrl);
}

/** Both handlers, so that neither a request nor a silent check gets anything from anyone else. */
export function lockDownSession(session: Session, devServerUrl?: string): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(details.isMainFrame && isPermissionGranted(permission, details.requestingUrl || webContents.getURL(), devServerUrl));
  });
  session.setPermissionCheckHandler(
    (_webContents, permission, requestingOrigin, details) => details.isMainFrame !== false && isPermissionGranted(permission, requestingOrigin, devServerUrl),
  );
}

/** Links people may open from the app: plain web pages, handed to their browser. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

export function openExternalSafely(url: string): boolean {
  if (!isSafeExternalUrl(url)) return false;
  void shell.openExternal(url);
  return true;
}

/** No navigation away from the app, no new windows, no <webview>. */
export function lockDownContents(contents: WebContents, devServerUrl?: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
}
