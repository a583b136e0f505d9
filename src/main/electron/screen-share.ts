import { desktopCapturer, type DesktopCapturerSource, type Session } from 'electron';
import type { SectionHandlers } from '@shared/ipc/contract';
import type { SCREEN_CHANNELS } from '@shared/ipc/screen';
import { ScreenPicker } from '../services/screen/screen-picker';
import { isAppUrl } from './app-origin';

const THUMBNAIL = { width: 320, height: 180 };

/** The picker service, fed by Electron's desktopCapturer. */
export function createScreenPicker(): ScreenPicker<DesktopCapturerSource> {
  return new ScreenPicker({
    platform: process.platform,
    now: Date.now,
    listSources: async () =>
      (await desktopCapturer.getSources({ types: ['screen', 'window'], thumbnailSize: THUMBNAIL, fetchWindowIcons: true })).map((s) => ({
        id: s.id,
        name: s.name,
        thumbnail: s.thumbnail.toDataURL(),
        appIcon: s.appIcon && !s.appIcon.isEmpty() ? s.appIcon.toDataURL() : null,
        handle: s,
      })),
  });
}

/**
 * getDisplayMedia() in our renderer gets the source the user picked in our own picker (and the
 * system sound with it where the OS allows); any other request, or one with no choice, gets nothing.
 */
export function installDisplayMediaHandler(session: Session, picker: ScreenPicker<DesktopCapturerSource>, devServerUrl?: string): void {
  session.setDisplayMediaRequestHandler(
    (request, callback) => {
      const fromUs = isAppUrl(request.frame?.url ?? request.securityOrigin ?? '', devServerUrl);
      const choice = fromUs ? picker.take() : null;
      if (!choice) return callback({});
      callback(choice.audio ? { video: choice.source.handle, audio: 'loopback' } : { video: choice.source.handle });
    },
    { useSystemPicker: false },
  );
}

export function screenIpcHandlers(picker: ScreenPicker<DesktopCapturerSource>): SectionHandlers<typeof SCREEN_CHANNELS> {
  return {
    'screen:sources': () => picker.sources(),
    'screen:choose': (choice) => picker.choose(choice),
  };
}
