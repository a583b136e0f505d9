import { getDeviceChoices, type DeviceChoices, type DeviceSnapshot } from '../platform/devices';
import { useStore } from './useStore';

/** The device lists and choices, live, and the way to change them (shared with the app menu on the desktop). */
export function useDeviceChoices(choices: DeviceChoices = getDeviceChoices()): { snapshot: DeviceSnapshot; choices: DeviceChoices } {
  return { snapshot: useStore(choices.state), choices };
}
