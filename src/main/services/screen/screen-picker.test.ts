import { describe, expect, it } from 'vitest';
import { SCREEN_CHANNELS } from '@shared/ipc/screen';
import { channelRunners } from '../../ipc/dispatch';
import { ScreenPicker, type NativeSource } from './screen-picker';

const source = (id: string, name: string): NativeSource<{ native: string }> => ({
  id,
  name,
  thumbnail: 'data:image/png;base64,AAAA',
  appIcon: null,
  handle: { native: id },
});

function picker(platform: NodeJS.Platform = 'linux') {
  let now = 1000;
  const sources = [source('screen:0:0', 'Entire screen'), source('window:42:0', 'Slides — Presenter')];
  const p = new ScreenPicker({ listSources: async () => sources, platform, now: () => now });
  return { p, advance: (ms: number) => (now += ms) };
}

describe('the screen picker service', () => {
  it('lists screens and windows with their thumbnails', async () => {
    const { p } = picker();
    expect(await p.sources()).toEqual({
      sources: [
        { id: 'screen:0:0', name: 'Entire screen', kind: 'screen', thumbnail: 'data:image/png;base64,AAAA', appIcon: null },
        { id: 'window:42:0', name: 'Slides — Presenter', kind: 'window', thumbnail: 'data:image/png;base64,AAAA', appIcon: null },
      ],
      audioAvailable: false,
    });
  });

  it('hands the chosen source to the next request, once', async () => {
    const { p } = picker('win32');
    await p.sources();
    p.choose({ id: 'window:42:0', audio: true });
    expect(p.take()).toEqual({ source: expect.objectContaining({ handle: { native: 'window:42:0' } }), audio: true });
    expect(p.take()).toBeNull();
  });

  it('shares sound only where the OS can', async () => {
    const { p } = picker('linux');
    await p.sources();
    p.choose({ id: 'screen:0:0', audio: true });
    expect(p.take()?.audio).toBe(false);
  });

  it('refuses sources it did not offer and malformed choices, keeping no choice', async () => {
    const { p } = picker();
    expect(() => p.choose({ id: 'screen:0:0', audio: false })).toThrow(/not one of those offered/);
    await p.sources();
    // Malformed choices are refused by the channel (its schema), before the picker sees them.
    const choose = channelRunners({ screen: SCREEN_CHANNELS }, { 'screen:sources': () => p.sources(), 'screen:choose': (c) => p.choose(c) }).get(
      'screen:choose',
    )!;
    for (const bad of [null, 'screen:0:0', { id: '', audio: false }, { id: 'screen:0:0' }, { id: 'screen:0:0', audio: false, extra: 1 }]) {
      expect(await choose([bad])).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    }
    expect(await choose([{ id: 'window:9:0', audio: false }])).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(p.take()).toBeNull();
  });

  it('forgets a choice nobody used within a few seconds', async () => {
    const { p, advance } = picker();
    await p.sources();
    p.choose({ id: 'screen:0:0', audio: false });
    advance(11_000);
    expect(p.take()).toBeNull();
  });
});
