import { useEffect, useState } from 'react';

/** Chromium's device list, refreshed on `devicechange`. Labels appear once a permission is granted. */
export function useMediaDevices(refreshKey: unknown = null): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    let live = true;
    const refresh = (): void => {
      void navigator.mediaDevices.enumerateDevices().then((list) => {
        if (live) setDevices(list);
      });
    };
    refresh();
    navigator.mediaDevices.addEventListener('devicechange', refresh);
    return () => {
      live = false;
      navigator.mediaDevices.removeEventListener('devicechange', refresh);
    };
  }, [refreshKey]);
  return devices;
}
