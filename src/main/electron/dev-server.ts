import { app } from 'electron';

/**
 * electron-vite's dev server (`ELECTRON_RENDERER_URL`), honoured only while developing.
 *
 * Whatever this returns becomes a trusted origin: the window loads it, and IPC, permissions and
 * navigation treat it like app://roundtable. A packaged app therefore never reads it — otherwise
 * anyone who can set an environment variable for the user's session (a .desktop file, a shell
 * profile, a launcher) could point the installed app at their own page and hand it the whole
 * desktop API. Running from source (`app.isPackaged` false) keeps the dev server working.
 * Only an http(s) URL counts; anything else is ignored.
 */
export function rendererDevServerUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (app.isPackaged) return undefined;
  const value = env.ELECTRON_RENDERER_URL;
  if (!value) return undefined;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}
