import { ipcMain, ipcRenderer, resetFakeElectron } from '../../../tests/fakes/electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { clientSection } from '@shared/ipc/client';
import { invoke } from '@shared/ipc/contract';
import { DesktopError } from '@shared/ipc/result';
import { bridgeSection } from '../../preload/bridge';
import { registerChannels } from './ipc';

const APP = 'app://roundtable/index.html';

/** A made-up channel, defined once, as a feature would in src/shared/ipc/<feature>.ts: everything else below is derived from it. */
const NOTES_CHANNELS = {
  add: invoke('notes:add', {
    args: [z.string().min(1).max(20), z.number().int().min(0)],
    result: z.object({ id: z.number(), text: z.string() }),
  }),
};

let add: ReturnType<typeof vi.fn<(text: string, priority: number) => { id: number; text: string }>>;

beforeEach(() => {
  resetFakeElectron();
  add = vi.fn((text: string, _priority: number) => ({ id: 7, text }));
  // The handler's arguments are typed from the definition: (text: string, priority: number).
  registerChannels({ notes: NOTES_CHANNELS }, { 'notes:add': (text, priority) => add(text, priority) });
  // The preload's ipcRenderer reaches main's ipcMain as our app window's main frame would.
  ipcRenderer.invoke.mockImplementation((channel: string, ...args: unknown[]) => ipcMain.invokeAs(APP, channel, args));
});

describe('a channel defined once', () => {
  it('is answered with a result envelope', async () => {
    expect(await ipcMain.invokeAs(APP, 'notes:add', ['milk', 1])).toEqual({ ok: true, value: { id: 7, text: 'milk' } });
    expect(add).toHaveBeenCalledWith('milk', 1);
  });

  it('gets its arguments validated: what does not fit is refused with a typed error, and the handler is not called', async () => {
    for (const args of [[42, 1], ['milk', -1], ['milk'], ['milk', 1, 'extra'], ['a very long note indeed, too long', 1]]) {
      expect(await ipcMain.invokeAs(APP, 'notes:add', args), JSON.stringify(args)).toEqual({
        ok: false,
        error: { code: 'invalid-arguments', message: expect.stringMatching(/^notes:add: /), details: { issues: expect.any(Array) } },
      });
    }
    expect(add).not.toHaveBeenCalled();
  });

  it('gets the sender check: a frame from another origin, or a sub-frame, is refused and nothing runs', async () => {
    const refused = {
      ok: false,
      error: { code: 'forbidden-sender', message: 'refused "notes:add" from an untrusted frame', details: { channel: 'notes:add' } },
    };
    expect(await ipcMain.invokeAs('https://evil.example/', 'notes:add', ['milk', 1])).toEqual(refused);
    expect(await ipcMain.invokeAs(APP, 'notes:add', ['milk', 1], { subframe: true })).toEqual(refused);
    expect(add).not.toHaveBeenCalled();
  });

  it('turns what its handler throws into a typed error envelope (never a rejection, never "Error invoking remote method")', async () => {
    add.mockImplementationOnce(() => {
      throw new Error('the notebook is full');
    });
    expect(await ipcMain.invokeAs(APP, 'notes:add', ['milk', 1])).toEqual({ ok: false, error: { code: 'internal', message: 'the notebook is full' } });
    add.mockImplementationOnce(() => {
      throw new DesktopError('not-found', 'no such notebook', { notebook: 'groceries' });
    });
    expect(await ipcMain.invokeAs(APP, 'notes:add', ['milk', 1])).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no such notebook', details: { notebook: 'groceries' } },
    });
    // A result that does not fit the declared one is not sent.
    add.mockImplementationOnce(() => ({ id: 'seven' }) as never);
    expect(await ipcMain.invokeAs(APP, 'notes:add', ['milk', 1])).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('gets a preload method (resolving with the envelope) and a renderer method (the value, or the typed error thrown)', async () => {
    const bridge = bridgeSection(NOTES_CHANNELS);
    expect(await bridge.add('milk', 1)).toEqual({ ok: true, value: { id: 7, text: 'milk' } });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('notes:add', 'milk', 1);

    // What the renderer's platform/ makes of the bridge (desktopClient does this for every section).
    const notes = clientSection(bridge);
    expect(await notes.add('eggs', 2)).toEqual({ id: 7, text: 'eggs' });
    // @ts-expect-error the renderer's method is typed from the definition too
    void notes.add(3, 'x').catch(() => undefined);

    add.mockImplementationOnce(() => {
      throw new DesktopError('not-found', 'no such notebook', { notebook: 'groceries' });
    });
    const error = await notes.add('milk', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DesktopError);
    expect(error).toMatchObject({ name: 'DesktopError', code: 'not-found', message: 'no such notebook', details: { notebook: 'groceries' } });

    const invalid = await notes.add('', 1).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ name: 'DesktopError', code: 'invalid-arguments' });
    expect((invalid as Error).message).not.toContain('Error invoking remote method');
  });
});
