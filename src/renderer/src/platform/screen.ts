import type { CaptureChoice, CaptureSources } from '@shared/ipc/screen';
import type { Platform } from './platform';
import { t } from '../text/i18n';

/** Screen content: sharper and calmer than a camera (text must stay readable). */
const DISPLAY_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 15, max: 30 } };

export interface ScreenCapture {
  /** The desktop app shows its own picker (with live thumbnails); a browser shows its own. */
  picker: { sources(): Promise<CaptureSources> } | null;
  capture(choice?: CaptureChoice): Promise<MediaStream>;
}

export function screenCapture(platform: Platform): ScreenCapture {
  const desktop = platform.desktop?.screen;
  if (desktop) {
    return {
      picker: { sources: () => desktop.sources() },
      capture: async (choice) => {
        if (!choice) throw new Error(t('screen.chooseFirst'));
        await desktop.choose(choice);
        return navigator.mediaDevices.getDisplayMedia({ video: DISPLAY_CONSTRAINTS, audio: choice.audio });
      },
    };
  }
  return {
    picker: null,
    capture: () => navigator.mediaDevices.getDisplayMedia({ video: DISPLAY_CONSTRAINTS, audio: true }),
  };
}
