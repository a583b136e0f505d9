import type { RecordingSink } from '../call/recorder';
import { downloadRecordingSink } from './recording-browser';
import { getDesktop } from './platform';
import { desktopRecordingSink } from './recording-desktop';

/** Where recordings go: the Videos folder through the desktop's main process, or a download for a browser guest. */
export function getRecordingSink(): RecordingSink {
  const desktop = getDesktop();
  return desktop?.recording ? desktopRecordingSink(desktop.recording, desktop.on) : downloadRecordingSink();
}
