import { browserDeviceChoices } from './devices-browser';
import { desktopDeviceChoices } from './devices-desktop';
import type { DeviceChoices } from './devices-model';
import { getDesktop } from './platform';

export * from './devices-model';

let current: DeviceChoices | undefined;

/** One for the page: the desktop catalogue when the preload put `window.desktop` there, else the browser's own. */
export function getDeviceChoices(): DeviceChoices {
  if (current) return current;
  const desktop = getDesktop();
  current = desktop?.devices ? desktopDeviceChoices(desktop) : browserDeviceChoices(localStorage);
  return current;
}
