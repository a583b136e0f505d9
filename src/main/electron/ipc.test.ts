import { ipcMain, resetFakeElectron } from '../../../tests/fakes/electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ipcMain as FakeIpcMain } from '../../../tests/fakes/electron';
import { registerIpc, type IpcHandlers } from './ipc';

beforeEach(() => resetFakeElectron());
const fake = ipcMain as unknown as typeof FakeIpcMain;

function handlers(): IpcHandlers {
  // Only the app's own channels: registerIpc registers whatever it is given.
  const some: Partial<IpcHandlers> = {
    'app:info': vi.fn(() => ({ name: 'Roundtable', version: '1', platform: 'linux' })),
    'app:open-external': vi.fn(() => undefined),
  };
  return some as IpcHandlers;
}

describe('IPC', () => {
  it('answers our own renderer', async () => {
    const h = handlers();
    registerIpc(h);
    expect(await fake.invokeAs('app://roundtable/index.html', 'app:info', [])).toEqual({ name: 'Roundtable', version: '1', platform: 'linux' });
  });

  it('refuses other origins and sub-frames before the handler runs', async () => {
    const h = handlers();
    registerIpc(h);
    await expect(fake.invokeAs('https://evil.example/', 'app:info', [])).rejects.toThrow(/untrusted frame/);
    await expect(fake.invokeAs('file:///tmp/x.html', 'app:info', [])).rejects.toThrow(/untrusted frame/);
    await expect(fake.invokeAs('app://roundtable/index.html', 'app:info', [], { subframe: true })).rejects.toThrow(/untrusted frame/);
    expect(h['app:info']).not.toHaveBeenCalled();
  });
});
