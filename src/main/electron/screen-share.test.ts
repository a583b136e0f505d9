import { beforeEach, describe, expect, it } from 'vitest';
import type { DesktopCapturerSource } from 'electron';
import { desktopCapturer, resetFakeElectron, session, type FakeSession } from '../../../tests/fakes/electron';
import { createScreenPicker, installDisplayMediaHandler, screenIpcHandlers } from './screen-share';

const image = (url: string) => ({ toDataURL: () => url, isEmpty: () => false });
const sources = [
  { id: 'screen:1:0', name: 'Entire screen', thumbnail: image('data:image/png;base64,U0NSRUVO'), appIcon: null, display_id: '1' },
  { id: 'window:7:0', name: 'Slides', thumbnail: image('data:image/png;base64,V0lORE9X'), appIcon: image('data:image/png;base64,SUNPTg=='), display_id: '' },
] as unknown as DesktopCapturerSource[];

type Handler = (request: { frame: { url: string } | null; securityOrigin?: string }, callback: (streams: unknown) => void) => void;

function request(fake: FakeSession, url: string): Promise<unknown> {
  return new Promise((resolve) => (fake.displayMediaRequestHandler as unknown as Handler)({ frame: { url } }, resolve));
}

beforeEach(() => {
  resetFakeElectron();
  desktopCapturer.getSources.mockResolvedValue(sources);
});

describe('screen sharing in the shell', () => {
  it('lists sources with thumbnails through IPC, then getDisplayMedia gets exactly the chosen one', async () => {
    const picker = createScreenPicker();
    installDisplayMediaHandler(session.defaultSession as never, picker);
    const handlers = screenIpcHandlers(picker);
    const listed = await handlers['screen:sources']();
    expect(listed.sources.map((s) => [s.id, s.kind, s.thumbnail])).toEqual([
      ['screen:1:0', 'screen', 'data:image/png;base64,U0NSRUVO'],
      ['window:7:0', 'window', 'data:image/png;base64,V0lORE9X'],
    ]);
    expect(listed.sources[1]!.appIcon).toBe('data:image/png;base64,SUNPTg==');
    expect(desktopCapturer.getSources).toHaveBeenCalledWith(expect.objectContaining({ types: ['screen', 'window'] }));

    await handlers['screen:choose']({ id: 'window:7:0', audio: false });
    expect(await request(session.defaultSession as unknown as FakeSession, 'app://roundtable/index.html')).toEqual({ video: sources[1] });
    // Used up: a second request without a new choice gets nothing.
    expect(await request(session.defaultSession as unknown as FakeSession, 'app://roundtable/index.html')).toEqual({});
  });

  it('gives nothing to other origins, or when nothing was chosen', async () => {
    const picker = createScreenPicker();
    installDisplayMediaHandler(session.defaultSession as never, picker);
    const handlers = screenIpcHandlers(picker);
    const fake = session.defaultSession as unknown as FakeSession;
    expect(await request(fake, 'app://roundtable/index.html')).toEqual({});
    await handlers['screen:sources']();
    await handlers['screen:choose']({ id: 'screen:1:0', audio: false });
    expect(await request(fake, 'https://evil.example/')).toEqual({});
    expect(() => handlers['screen:choose']({ id: 'window:999:0', audio: false })).toThrow(/not one of those offered/);
  });

  it('shares system sound with the screen where the OS allows', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      const picker = createScreenPicker();
      installDisplayMediaHandler(session.defaultSession as never, picker);
      const handlers = screenIpcHandlers(picker);
      expect((await handlers['screen:sources']()).audioAvailable).toBe(true);
      await handlers['screen:choose']({ id: 'screen:1:0', audio: true });
      expect(await request(session.defaultSession as unknown as FakeSession, 'app://roundtable/index.html')).toEqual({ video: sources[0], audio: 'loopback' });
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });
});
