import { describe, expect, it } from 'vitest';
import { ipcRenderer } from '../../tests/fakes/electron';
import { devicesApi } from './devices';

describe('the devices section of the preload', () => {
  it('calls the declared device channels with the arguments given', async () => {
    await devicesApi.snapshot();
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('devices:snapshot');
    await devicesApi.reportBrowserDevices([{ deviceId: 'a', kind: 'videoinput', label: 'fake_device_0', groupId: 'g' }]);
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('devices:report-browser', [
      { deviceId: 'a', kind: 'videoinput', label: 'fake_device_0', groupId: 'g' },
    ]);
    await devicesApi.select('camera', 'camera:fake_device_0');
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('devices:select', 'camera', 'camera:fake_device_0');
    await devicesApi.refresh();
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('devices:refresh');
  });
});
