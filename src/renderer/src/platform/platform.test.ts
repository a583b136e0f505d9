import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DesktopBridge } from '@shared/desktop-api';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

/** A `window.desktop` as the preload exposes it, whose `hosting` methods answer `envelope`. */
function bridge(envelope: unknown): DesktopBridge {
  const answer = async () => envelope;
  const hosting = { status: answer, start: answer, stop: answer, copyInvite: answer, discovered: answer, resolveInvite: answer };
  return { app: {}, hosting, meeting: {}, devices: {}, screen: {}, on: () => () => undefined } as unknown as DesktopBridge;
}

describe("the renderer's desktop API", () => {
  it("is null in a browser, and otherwise the preload's bridge with each envelope turned into its value or a thrown DesktopError", async () => {
    vi.stubGlobal('window', {});
    expect((await import('./platform')).getDesktop()).toBeNull();
    vi.resetModules();

    const untrusted = { host: '192.168.1.20:8443', fingerprint: 'abc', fingerprintText: 'AB:CD' };
    vi.stubGlobal('window', {
      desktop: bridge({ ok: false, error: { code: 'untrusted-certificate', message: 'The server at 192.168.1.20:8443 presented…', details: untrusted } }),
    });
    const { getDesktop, getPlatform, DesktopError } = await import('./platform');
    const { readUntrustedCertificate } = await import('@shared/ipc/hosting');
    const desktop = getDesktop()!;
    expect(getPlatform().desktop).toBe(desktop);
    const error = await desktop.hosting.resolveInvite({ server: '192.168.1.20:8443', room: 'calm-otter-42' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DesktopError);
    expect(error).toMatchObject({ name: 'DesktopError', code: 'untrusted-certificate', message: 'The server at 192.168.1.20:8443 presented…' });
    // What the home screen shows to compare comes from the error's details, not from its words.
    expect(readUntrustedCertificate(error)).toEqual(untrusted);
  });

  it('resolves with the value of a successful envelope, and says so when an answer is not an envelope', async () => {
    vi.stubGlobal('window', { desktop: bridge({ ok: true, value: { server: 'https://x', room: 'y', fingerprint: null } }) });
    const { getDesktop } = await import('./platform');
    expect(await getDesktop()!.hosting.resolveInvite({ link: 'https://x/?room=y' })).toEqual({ server: 'https://x', room: 'y', fingerprint: null });
    vi.resetModules();
    vi.stubGlobal('window', { desktop: bridge('not an envelope') });
    const again = (await import('./platform')).getDesktop()!;
    await expect(again.hosting.status()).rejects.toMatchObject({ code: 'internal' });
  });
});
