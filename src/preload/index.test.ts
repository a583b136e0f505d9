import { describe, expect, it, vi } from 'vitest';
import type { DesktopBridge } from '@shared/desktop-api';
import { DESKTOP_CHANNELS } from '@shared/ipc';
import { contextBridge, ipcRenderer } from '../../tests/fakes/electron';

async function exposed(): Promise<DesktopBridge> {
  await import('./index');
  return contextBridge.exposed.get('desktop') as DesktopBridge;
}

describe('the preload', () => {
  it('exposes only the desktop API, with a method for every declared channel that calls it and resolves with its envelope', async () => {
    const api = await exposed();
    expect([...contextBridge.exposed.keys()]).toEqual(['desktop']);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('ipcRenderer');
    for (const [section, methods] of Object.entries(DESKTOP_CHANNELS)) {
      for (const [method, channel] of Object.entries(methods)) {
        const envelope = { ok: true, value: `${channel.name} answered` };
        ipcRenderer.invoke.mockResolvedValueOnce(envelope);
        const call = (api as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[section]![method]!;
        expect(await call('a', 2), `${section}.${method}`).toEqual(envelope);
        expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(channel.name, 'a', 2);
      }
    }
    expect(typeof api.capture?.open).toBe('function');
  });

  it('turns what Electron throws into an envelope, without its "Error invoking remote method" wording', async () => {
    const api = await exposed();
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("Error invoking remote method 'app:info': Error: No handler registered for 'app:info'"));
    expect(await api.app.info()).toEqual({
      ok: false,
      error: { code: 'internal', message: `"app:info" could not be called: No handler registered for 'app:info'`, details: { channel: 'app:info' } },
    });
  });

  it('passes declared main-process events on, validated and without the Electron event object, and unsubscribes', async () => {
    const api = await exposed();
    const listener = vi.fn();
    const off = api.on('app:open-meeting', listener);
    const [channel, wrapped] = ipcRenderer.on.mock.calls.at(-1)!;
    expect(channel).toBe('app:open-meeting');
    wrapped({ sender: 'secret' }, { url: 'app://roundtable/?room=x' });
    expect(listener).toHaveBeenCalledWith({ url: 'app://roundtable/?room=x' });
    // A payload that does not fit the event's schema is dropped.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    wrapped({}, { url: 42 });
    expect(listener).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('app:open-meeting', wrapped);
    // Only declared events can be listened to.
    expect(() => api.on('app:info' as never, listener)).toThrow(/not an event/);
  });
});
