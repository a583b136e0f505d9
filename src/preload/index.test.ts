import { describe, expect, it, vi } from 'vitest';
import type { DesktopApi } from '@shared/desktop-api';
import { contextBridge, ipcRenderer } from '../../tests/fakes/electron';

describe('the preload', () => {
  it('exposes only the typed desktop API, which calls the declared channels', async () => {
    await import('./index');
    expect([...contextBridge.exposed.keys()]).toEqual(['desktop']);
    const api = contextBridge.exposed.get('desktop') as DesktopApi;
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('ipcRenderer');
    await api.app.openExternal('https://example.org');
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('app:open-external', 'https://example.org');
    await api.app.info();
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('app:info');
  });

  it('passes main-process events on without the Electron event object, and unsubscribes', async () => {
    await import('./index');
    const api = contextBridge.exposed.get('desktop') as DesktopApi;
    const listener = vi.fn();
    const off = api.on('app:open-meeting', listener);
    const [channel, wrapped] = ipcRenderer.on.mock.calls.at(-1)!;
    expect(channel).toBe('app:open-meeting');
    wrapped({ sender: 'secret' }, { url: 'app://roundtable/?room=x' });
    expect(listener).toHaveBeenCalledWith({ url: 'app://roundtable/?room=x' });
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('app:open-meeting', wrapped);
  });
});
