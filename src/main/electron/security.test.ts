import { resetFakeElectron, session } from '../../../tests/fakes/electron';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeSession } from '../../../tests/fakes/electron';
import { isPermissionGranted, lockDownSession } from './security';

beforeEach(() => resetFakeElectron());

function ask(permission: string, requestingUrl: string): Promise<boolean> {
  const fake = session.defaultSession as unknown as FakeSession;
  return new Promise((resolve) => {
    const handler = fake.permissionRequestHandler as unknown as (wc: unknown, p: string, cb: (granted: boolean) => void, details: unknown) => void;
    handler({ getURL: () => requestingUrl }, permission, resolve, { requestingUrl, isMainFrame: true });
  });
}

describe('permissions', () => {
  it('grants our renderer the camera, microphone, screen capture and notifications', async () => {
    lockDownSession(session.defaultSession as never);
    for (const permission of ['media', 'display-capture', 'notifications']) {
      expect(await ask(permission, 'app://roundtable/index.html')).toBe(true);
    }
  });

  it('refuses everything else, and everyone else', async () => {
    lockDownSession(session.defaultSession as never);
    for (const permission of ['geolocation', 'midi', 'openExternal', 'pointerLock', 'hid', 'serial', 'usb']) {
      expect(await ask(permission, 'app://roundtable/index.html')).toBe(false);
    }
    expect(await ask('media', 'https://evil.example/')).toBe(false);
    expect(await ask('media', 'file:///tmp/x.html')).toBe(false);
  });

  it('answers permission checks the same way', () => {
    lockDownSession(session.defaultSession as never);
    const handler = (session.defaultSession as unknown as FakeSession).permissionCheckHandler as unknown as (
      wc: unknown,
      p: string,
      origin: string,
      details: object,
    ) => boolean;
    const check = (wc: unknown, permission: string, origin: string): boolean => handler(wc, permission, origin, { isMainFrame: true, requestingUrl: origin });
    expect(check(null, 'media', 'app://roundtable')).toBe(true);
    expect(check(null, 'media', 'https://evil.example')).toBe(false);
    expect(check(null, 'geolocation', 'app://roundtable')).toBe(false);
    expect(isPermissionGranted('media', 'not a url')).toBe(false);
  });
});
