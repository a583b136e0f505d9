import { ipcMain, resetFakeElectron } from '../../../tests/fakes/electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ipcMain as FakeIpcMain } from '../../../tests/fakes/electron';
import { APP_CHANNELS } from '@shared/ipc/app';
import { registerChannels } from './ipc';

beforeEach(() => resetFakeElectron());
const fake = ipcMain as unknown as typeof FakeIpcMain;

function handlers() {
  return {
    'app:info': vi.fn(() => ({ name: 'Roundtable', version: '1', platform: 'linux' })),
    'app:open-external': vi.fn(() => undefined),
  };
}

describe('IPC', () => {
  it('answers our own renderer with a result envelope', async () => {
    registerChannels({ app: APP_CHANNELS }, handlers());
    expect(await fake.invokeAs('app://roundtable/index.html', 'app:info', [])).toEqual({
      ok: true,
      value: { name: 'Roundtable', version: '1', platform: 'linux' },
    });
  });

  it('refuses other origins and sub-frames before the handler runs', async () => {
    const h = handlers();
    registerChannels({ app: APP_CHANNELS }, h);
    for (const [url, options] of [
      ['https://evil.example/', {}],
      ['file:///tmp/x.html', {}],
      ['app://roundtable/index.html', { subframe: true }],
    ] as const) {
      expect(await fake.invokeAs(url, 'app:info', [], options)).toEqual({
        ok: false,
        error: { code: 'forbidden-sender', message: 'refused "app:info" from an untrusted frame', details: { channel: 'app:info' } },
      });
    }
    expect(h['app:info']).not.toHaveBeenCalled();
  });
});
