import { contextBridge, ipcRenderer } from '../../tests/fakes/electron';
import { describe, expect, it } from 'vitest';
import type { DesktopApi } from '@shared/desktop-api';
import type { contextBridge as FakeBridge } from '../../tests/fakes/electron';

describe('the preload', () => {
  it('exposes only the typed desktop API, which calls the declared channels', async () => {
    await import('./index');
    const exposed = (contextBridge as unknown as typeof FakeBridge).exposed;
    expect([...exposed.keys()]).toEqual(['desktop']);
    const api = exposed.get('desktop') as DesktopApi;
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(api).not.toHaveProperty('invoke');
    await api.openExternal('https://example.org');
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('app:open-external', 'https://example.org');
    await api.appInfo();
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('app:info');
  });
});
