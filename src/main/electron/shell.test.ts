import { app, BrowserWindow, ipcMain, Menu, resetFakeElectron } from '../../../tests/fakes/electron';
import { beforeEach, describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '@shared/ipc';
import type { app as FakeApp, ipcMain as FakeIpcMain, Menu as FakeMenu, protocol as FakeProtocol } from '../../../tests/fakes/electron';
import { protocol } from '../../../tests/fakes/electron';
import { startShell } from './shell';

beforeEach(() => resetFakeElectron());

describe('the Electron shell', () => {
  it('sandboxes every renderer, registers app:// before ready, and wires IPC, menu and window once ready', async () => {
    startShell({ preload: '/p.cjs', renderer: '/r' });
    expect(app.enableSandbox).toHaveBeenCalled();
    expect((protocol as unknown as typeof FakeProtocol).privileged.map((s) => s.scheme)).toEqual(['app']);

    (app as unknown as typeof FakeApp).becomeReady();
    await app.whenReady();
    await Promise.resolve();
    expect([...(ipcMain as unknown as typeof FakeIpcMain).handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
    expect((Menu as unknown as typeof FakeMenu).current?.template.length).toBeGreaterThan(0);
    expect(BrowserWindow.getAllWindows()).toHaveLength(1);
  });
});
